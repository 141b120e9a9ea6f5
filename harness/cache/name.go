package cache

import (
	"path/filepath"
	"regexp"
	"strings"
)

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// FileFor is the cache file of a model under dir: one file per served model
// name, made safe as a file name ("UCSC-VLAA/VLAA-Thinker" becomes
// "UCSC-VLAA_VLAA-Thinker.jsonl"), so evaluations of different models never
// wait for each other's lock.
func FileFor(dir, model string) string {
	return filepath.Join(dir, Slug(model)+".jsonl")
}

// Slug makes a model name safe as a file or folder name.
func Slug(name string) string {
	s := strings.Trim(unsafeName.ReplaceAllString(name, "_"), "._")
	if s == "" {
		return "model"
	}
	return s
}
