//go:build !linux

package host

import "os/exec"

// setDeathSignal has no equivalent here; the SDK's parent poll ends orphans.
func setDeathSignal(*exec.Cmd) {}
