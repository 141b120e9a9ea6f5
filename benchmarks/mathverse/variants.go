package mathverse

import (
	"fmt"
	"sort"
	"strings"
)

// Options that pick one of VLMEvalKit's MathVerse datasets other than the
// leaderboard's MathVerse_MINI_Vision_Only. Scoring is the same for all.
const (
	// OptionVersion picks the problem_version rows of a TSV to score:
	// vision-only (the default), vision-dominant, vision-intensive,
	// text-lite, text-dominant, or all (MathVerse_MINI: every row of
	// MathVerse_MINIV.tsv, with a breakdown per version).
	OptionVersion = "version"
	// OptionPrompt "cot" asks each item with the TSV's query_cot column
	// instead of question (VLMEvalKit's MathVerse_MINI_Vision_Only_cot);
	// "default" or empty keeps question.
	OptionPrompt = "prompt"
)

// versions maps OptionVersion values to the problem_version the TSV carries.
var versions = map[string]string{
	"vision-only":      VisionOnly,
	"vision-dominant":  "Vision Dominant",
	"vision-intensive": "Vision Intensive",
	"text-lite":        "Text Lite",
	"text-dominant":    "Text Dominant",
}

// allVersions is OptionVersion's value for every version at once.
const allVersions = "all"

// ByVersion is the breakdown of a report over several versions.
const ByVersion = "problem_version"

// variant is what the options select.
type variant struct {
	version string // a problem_version, or "" for all
	cot     bool
}

// expected is the item count of the variant: 788 per version.
func (v variant) expected() int {
	if v.version == "" {
		return len(versions) * Items
	}
	return Items
}

func (v variant) leaderboardDefault() bool { return v.version == VisionOnly && !v.cot }

func parseVariant(opts map[string]string) (variant, error) {
	v := variant{version: VisionOnly}
	if name, ok := opts[OptionVersion]; ok {
		switch pv, known := versions[strings.TrimSpace(name)]; {
		case known:
			v.version = pv
		case strings.TrimSpace(name) == allVersions:
			v.version = ""
		default:
			names := make([]string, 0, len(versions)+1)
			for k := range versions {
				names = append(names, k)
			}
			sort.Strings(names)
			return v, fmt.Errorf("%s: option %s: unknown version %q; use %s or %s", Name, OptionVersion, name, strings.Join(names, ", "), allVersions)
		}
	}
	switch p := strings.TrimSpace(opts[OptionPrompt]); p {
	case "", "default":
	case "cot":
		v.cot = true
	default:
		return v, fmt.Errorf("%s: option %s: unknown prompt %q; use cot (the query_cot column) or default", Name, OptionPrompt, p)
	}
	return v, nil
}
