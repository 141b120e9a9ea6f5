package engine

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/vlmlab/harness/plugins/sdk"
)

var globalStep = regexp.MustCompile(`global_step_(\d+)`)

// stepOf is the highest global_step_N in path, -1 when none.
func stepOf(path string) int {
	best := -1
	for _, m := range globalStep.FindAllStringSubmatch(path, -1) {
		if n, err := strconv.Atoi(m[1]); err == nil && n > best {
			best = n
		}
	}
	return best
}

// findCheckpoint picks, among the folders matching pattern, the one of the
// highest global step (the last match in name order when there are no
// steps), and checks that it is a Hugging Face model folder vLLM can load.
func findCheckpoint(pattern string) (string, error) {
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return "", sdk.Invalid("params.checkpoint %q: %v", pattern, err)
	}
	var dirs []string
	for _, m := range matches {
		if st, err := os.Stat(m); err == nil && st.IsDir() {
			dirs = append(dirs, m)
		}
	}
	if len(dirs) == 0 {
		return "", sdk.Internal("the engine finished but no checkpoint folder matches %s (params.checkpoint); did it save one (verl: trainer.save_freq, EasyR1: trainer.save_freq / save_checkpoint_path)?%s", pattern, listing(globRoot(pattern)))
	}
	sort.Slice(dirs, func(i, j int) bool {
		si, sj := stepOf(dirs[i]), stepOf(dirs[j])
		if si != sj {
			return si < sj
		}
		return dirs[i] < dirs[j]
	})
	dir := dirs[len(dirs)-1]
	if err := checkHF(dir); err != nil {
		return "", err
	}
	return dir, nil
}

// checkHF requires a config and weights: verl writes config and tokenizer
// into actor/huggingface always, and the weights only when asked.
func checkHF(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "config.json")); err != nil {
		return sdk.Internal("checkpoint folder %s has no config.json: not a Hugging Face model folder", dir)
	}
	for _, pat := range []string{"*.safetensors", "pytorch_model*.bin"} {
		if m, _ := filepath.Glob(filepath.Join(dir, pat)); len(m) > 0 {
			return nil
		}
	}
	return sdk.Internal("checkpoint folder %s has a config but no weights (*.safetensors or pytorch_model*.bin): verl saves them there only with actor_rollout_ref.actor.checkpoint.save_contents including hf_model; otherwise set params.merge_command to the engine's model merger (e.g. python3 -m verl.model_merger merge --backend fsdp --local_dir {{.StepDir}}/actor --target_dir {{.StepDir}}/actor/huggingface)", dir)
}

// lastStepDir is the output folder's global_step_N of the highest N.
func lastStepDir(out string) (string, error) {
	matches, _ := filepath.Glob(filepath.Join(out, "global_step_*"))
	best, bestN := "", -1
	for _, m := range matches {
		if n := stepOf(filepath.Base(m)); n > bestN {
			best, bestN = m, n
		}
	}
	if best == "" {
		return "", sdk.Internal("no global_step_N folder in %s for params.merge_command%s", out, listing(out))
	}
	return best, nil
}

// listing names what a folder holds, for error messages.
func listing(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Sprintf(" (%s: %v)", dir, err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if len(names) == 10 {
			names = append(names, "…")
			break
		}
		names = append(names, e.Name())
	}
	return fmt.Sprintf(" (%s holds: %s)", dir, strings.Join(names, ", "))
}

// globRoot is the folder of pattern above its first wildcard.
func globRoot(pattern string) string {
	dir := pattern
	for strings.ContainsAny(dir, "*?[") {
		dir = filepath.Dir(dir)
	}
	return dir
}

// linkTree puts every file under src into dst at the same relative path, as
// hard links (no copy of gigabytes of weights) or, across file systems, as
// copies. An existing file in dst is replaced.
func linkTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil // links and devices are not model files
		}
		_ = os.Remove(target)
		if err := os.Link(path, target); err == nil {
			return nil
		}
		return copyFile(path, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
