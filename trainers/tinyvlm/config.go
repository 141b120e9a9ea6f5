package tinyvlm

import (
	"encoding/json"
	"fmt"
	"os"
)

// ConfigFormat names the architecture version in config.json.
// tinyvlm/2 feeds the encoder ink (white 0, black 1) where tinyvlm/1 fed
// brightness in [-1, 1]: a /1 checkpoint would see inverted images, so it
// is refused by name.
const ConfigFormat = "tinyvlm/2"

// Config is the architecture, written as config.json. The defaults are
// sized for the default study (pre-training ~60 s, SFT ~30-45 s and GRPO
// stages ~60 s on 2 cores): see README "tinyvlm".
type Config struct {
	Format string `json:"format"`
	// DModel is the width of the decoder and of the image tokens.
	DModel int `json:"d_model"`
	Layers int `json:"layers"`
	Heads  int `json:"heads"`
	// FFN is the hidden width of each block's MLP.
	FFN int `json:"ffn"`
	// ImageSize is the side of the square RGB image the encoder sees (images
	// are resized to it); PatchSize the side of one patch. The encoder makes
	// (ImageSize/PatchSize)² image tokens that prefix the text.
	ImageSize int `json:"image_size"`
	PatchSize int `json:"patch_size"`
	// MaxText is the text context in tokens (system token, prompt and
	// response), after the image tokens.
	MaxText int `json:"max_text"`
	// Vocab is the tokenizer's size.
	Vocab   int     `json:"vocab"`
	NormEps float64 `json:"norm_eps"`
}

// DefaultConfig is the architecture the pre-training stage builds unless its
// params say otherwise. Vocab is set from the tokenizer.
func DefaultConfig() Config {
	return Config{Format: ConfigFormat, DModel: 64, Layers: 2, Heads: 4, FFN: 256, ImageSize: 64, PatchSize: 16, MaxText: 128, NormEps: 1e-5}
}

// Patches is the number of image tokens.
func (c Config) Patches() int { n := c.ImageSize / c.PatchSize; return n * n }

// PatchDim is the length of one flattened RGB patch.
func (c Config) PatchDim() int { return c.PatchSize * c.PatchSize * 3 }

// Context is the whole sequence length: image tokens then text.
func (c Config) Context() int { return c.Patches() + c.MaxText }

// Validate checks that the numbers make an architecture.
func (c Config) Validate() error {
	switch {
	case c.Format != ConfigFormat:
		return fmt.Errorf("format %q: this build reads %q", c.Format, ConfigFormat)
	case c.DModel < 4 || c.DModel > 4096:
		return fmt.Errorf("d_model %d: want 4 to 4096", c.DModel)
	case c.Heads < 1 || c.DModel%c.Heads != 0:
		return fmt.Errorf("heads %d must divide d_model %d", c.Heads, c.DModel)
	case c.Layers < 1 || c.Layers > 64:
		return fmt.Errorf("layers %d: want 1 to 64", c.Layers)
	case c.FFN < 1 || c.FFN > 65536:
		return fmt.Errorf("ffn %d: want 1 to 65536", c.FFN)
	case c.PatchSize < 1 || c.ImageSize < c.PatchSize || c.ImageSize%c.PatchSize != 0 || c.ImageSize > 1024:
		return fmt.Errorf("image_size %d must be a multiple of patch_size %d (at most 1024)", c.ImageSize, c.PatchSize)
	case c.MaxText < 8 || c.MaxText > 8192:
		return fmt.Errorf("max_text %d: want 8 to 8192", c.MaxText)
	case c.Vocab < 5+NumSystemTokens+len(tags):
		return fmt.Errorf("vocab %d is smaller than the special tokens", c.Vocab)
	case !(c.NormEps > 0 && c.NormEps < 1):
		return fmt.Errorf("norm_eps %g: want a small positive number", c.NormEps)
	}
	return nil
}

func readConfig(path string) (Config, error) {
	blob, err := os.ReadFile(path)
	if err != nil {
		return Config{}, err
	}
	var c Config
	if err := json.Unmarshal(blob, &c); err != nil {
		return Config{}, fmt.Errorf("%s: %v", path, err)
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ParamSpec is one weight tensor of the architecture.
type ParamSpec struct {
	Name  string
	Shape []int
	// Decay says whether AdamW's weight decay applies (matrices only, not
	// biases, norms or position tables).
	Decay bool
	// Vision marks the image encoder (frozen with freeze_vision).
	Vision bool
}

// ParamSpecs lists the weights in a fixed order. Linear weights are stored
// [out, in] as torch.nn.Linear does, so a PyTorch implementation can load
// model.safetensors with load_state_dict unchanged; the output projection is
// tied to embed.weight.
func (c Config) ParamSpecs() []ParamSpec {
	d, f := c.DModel, c.FFN
	ps := []ParamSpec{
		{Name: "vision.patch_embed.weight", Shape: []int{d, c.PatchDim()}, Decay: true, Vision: true},
		{Name: "vision.patch_embed.bias", Shape: []int{d}, Vision: true},
		{Name: "vision.pos_embed", Shape: []int{c.Patches(), d}, Vision: true},
		{Name: "embed.weight", Shape: []int{c.Vocab, d}, Decay: true},
		{Name: "pos_embed", Shape: []int{c.MaxText, d}},
	}
	for i := range c.Layers {
		p := fmt.Sprintf("layers.%d.", i)
		ps = append(ps,
			ParamSpec{Name: p + "attn_norm.weight", Shape: []int{d}},
			ParamSpec{Name: p + "attn.qkv.weight", Shape: []int{3 * d, d}, Decay: true},
			ParamSpec{Name: p + "attn.out.weight", Shape: []int{d, d}, Decay: true},
			ParamSpec{Name: p + "mlp_norm.weight", Shape: []int{d}},
			ParamSpec{Name: p + "mlp.up.weight", Shape: []int{f, d}, Decay: true},
			ParamSpec{Name: p + "mlp.up.bias", Shape: []int{f}},
			ParamSpec{Name: p + "mlp.down.weight", Shape: []int{d, f}, Decay: true},
			ParamSpec{Name: p + "mlp.down.bias", Shape: []int{d}},
		)
	}
	ps = append(ps, ParamSpec{Name: "final_norm.weight", Shape: []int{d}})
	return ps
}
