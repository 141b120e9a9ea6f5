package toyworld

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
)

// tree writes the files of one output folder and remembers their hashes
// for the manifest. It is safe for concurrent use.
type tree struct {
	root string
	enc  png.Encoder

	mu     sync.Mutex
	dirs   map[string]bool
	files  map[string]FileEntry // data files by slash path
	images map[string]string    // image slash path -> sha256 hex
}

func newTree(root string) *tree {
	return &tree{
		root:   root,
		enc:    png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &encoderPool{}},
		dirs:   map[string]bool{},
		files:  map[string]FileEntry{},
		images: map[string]string{},
	}
}

// encoderPool lets concurrent PNG encodes reuse their compression buffers.
type encoderPool struct{ p sync.Pool }

func (e *encoderPool) Get() *png.EncoderBuffer {
	b, _ := e.p.Get().(*png.EncoderBuffer)
	return b
}
func (e *encoderPool) Put(b *png.EncoderBuffer) { e.p.Put(b) }

func (t *tree) mkdirFor(rel string) error {
	dir := path.Dir(rel)
	t.mu.Lock()
	done := t.dirs[dir]
	t.mu.Unlock()
	if done {
		return nil
	}
	if err := os.MkdirAll(filepath.Join(t.root, filepath.FromSlash(dir)), 0o755); err != nil {
		return fmt.Errorf("create folder %s: %w", filepath.Join(t.root, dir), err)
	}
	t.mu.Lock()
	t.dirs[dir] = true
	t.mu.Unlock()
	return nil
}

func (t *tree) put(rel string, data []byte) (string, error) {
	if err := t.mkdirFor(rel); err != nil {
		return "", err
	}
	p := filepath.Join(t.root, filepath.FromSlash(rel))
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return "", fmt.Errorf("write %s: %w", p, err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// file writes a data file; records is its item count for the manifest.
func (t *tree) file(rel string, data []byte, records int) error {
	sum, err := t.put(rel, data)
	if err != nil {
		return err
	}
	t.mu.Lock()
	t.files[rel] = FileEntry{Path: rel, SHA256: sum, Bytes: int64(len(data)), Records: records}
	t.mu.Unlock()
	return nil
}

// image encodes img as PNG and writes it.
func (t *tree) image(rel string, img image.Image) error {
	var buf bytes.Buffer
	if err := t.enc.Encode(&buf, img); err != nil {
		return fmt.Errorf("encode %s: %w", rel, err)
	}
	sum, err := t.put(rel, buf.Bytes())
	if err != nil {
		return err
	}
	t.mu.Lock()
	t.images[rel] = sum
	t.mu.Unlock()
	return nil
}

// json writes v indented, as the official benchmark files are, keeping
// "<" and ">" readable ("<image1>").
func (t *tree) json(rel string, v any, records int) error {
	data, err := indentJSON(v, "    ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", rel, err)
	}
	return t.file(rel, data, records)
}

func indentJSON(v any, indent string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// jsonl writes one compact JSON record per line.
func jsonl[T any](t *tree, rel string, recs []T) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for i, r := range recs {
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("encode %s line %d: %w", rel, i+1, err)
		}
	}
	return t.file(rel, buf.Bytes(), len(recs))
}

// FileEntry is one data file of the output tree.
type FileEntry struct {
	Path    string `json:"path"` // slash path relative to the output folder
	SHA256  string `json:"sha256"`
	Bytes   int64  `json:"bytes"`
	Records int    `json:"records,omitempty"`
}

// ImageSet summarises the images of one folder: their count and a sha256
// over the sorted lines "<path> <sha256 of the file>\n", so a manifest of
// 10,000 images stays small yet any changed image changes it.
type ImageSet struct {
	Dir    string `json:"dir"`
	Images int    `json:"images"`
	SHA256 string `json:"sha256"`
}

// listing returns the data files and image sets written so far, sorted by path.
func (t *tree) listing() ([]FileEntry, []ImageSet) {
	t.mu.Lock()
	defer t.mu.Unlock()
	files := make([]FileEntry, 0, len(t.files))
	for _, f := range t.files {
		files = append(files, f)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	byDir := map[string][]string{}
	for p := range t.images {
		byDir[path.Dir(p)] = append(byDir[path.Dir(p)], p)
	}
	var sets []ImageSet
	for dir, ps := range byDir {
		sort.Strings(ps)
		h := sha256.New()
		for _, p := range ps {
			fmt.Fprintf(h, "%s %s\n", p, t.images[p])
		}
		sets = append(sets, ImageSet{Dir: dir, Images: len(ps), SHA256: hex.EncodeToString(h.Sum(nil))})
	}
	sort.Slice(sets, func(i, j int) bool { return sets[i].Dir < sets[j].Dir })
	return files, sets
}

// itemRNG gives item i of a stream its own PCG source, so items can be made
// in any order, on any goroutine, and still come out the same.
func itemRNG(seed uint64, stream string, i int) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(stream))
	// Both PCG words are hashed: seeds that differ only in the high word
	// start with correlated high bits, which IntN reads first.
	hi := splitmix(seed ^ splitmix(h.Sum64()))
	lo := splitmix(hi ^ splitmix(uint64(i)))
	return rand.New(rand.NewPCG(hi, lo))
}

// splitmix is the SplitMix64 finaliser: it spreads nearby inputs far apart.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// parallel runs f for 0..n-1 on up to workers goroutines and returns the
// results in index order; the first error stops the rest.
func parallel[T any](ctx context.Context, workers, n int, f func(i int) (T, error)) ([]T, error) {
	out := make([]T, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i := 0; i < n; i++ {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			v, err := f(i)
			if err != nil {
				return err
			}
			out[i] = v
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// padID writes "<prefix>-<i>" with i zero-padded to the width of n, so ids
// sort in item order as strings too (Go writes JSON maps in key order).
func padID(prefix string, i, n int) string {
	w := max(len(itoa(n)), 3)
	s := itoa(i)
	return prefix + "-" + strings.Repeat("0", max(0, w-len(s))) + s
}

// orderedObject is a JSON object whose members keep the order they were
// added in (Go sorts map keys as strings: "1", "10", "2").
type orderedObject struct {
	keys []string
	vals []any
}

func (o *orderedObject) add(key string, v any) {
	o.keys = append(o.keys, key)
	o.vals = append(o.vals, v)
}

// MarshalJSON writes the members in order; the encoder indents the result.
func (o orderedObject) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		vb, err := json.Marshal(o.vals[i])
		if err != nil {
			return nil, fmt.Errorf("member %q: %w", k, err)
		}
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(vb)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
