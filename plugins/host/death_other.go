//go:build !linux

package host

import "os/exec"

// setDeathSignal has no equivalent here; the SDK's parent poll ends orphans.
func setDeathSignal(*exec.Cmd) {}

// killGroup has no process groups to use here; only the plugin is killed.
func killGroup(*exec.Cmd) {}
