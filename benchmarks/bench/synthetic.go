package bench

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// SyntheticManifest is the file the synthetic toy world writes into each of
// its evaluation suites.
const SyntheticManifest = "synthetic.json"

// Synthetic reports whether path (a data file or folder) belongs to a
// synthetic suite: a synthetic.json saying so sits in the folder, or beside
// the file. Reports carry the flag so synthetic numbers are never mistaken
// for benchmark results.
func Synthetic(path string) bool {
	dir := path
	if st, err := os.Stat(path); err == nil && !st.IsDir() {
		dir = filepath.Dir(path)
	}
	b, err := os.ReadFile(filepath.Join(dir, SyntheticManifest))
	if err != nil {
		return false
	}
	var m struct {
		Synthetic bool `json:"synthetic"`
	}
	return json.Unmarshal(b, &m) == nil && m.Synthetic
}
