// Package version says which harness build is running, for run records and
// plugin versions.
package version

import "runtime/debug"

// Version is the harness release; built-in plugins carry it as theirs.
const Version = "0.1.0"

// Revision is the VCS revision the binary was built from ("" when unknown),
// with "+dirty" when the tree had local changes.
func Revision() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev == "" {
		return ""
	}
	return rev + dirty
}
