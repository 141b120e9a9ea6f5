package host

import (
	"os/exec"
	"syscall"
)

// setDeathSignal asks Linux to kill the plugin when the host dies. It fires
// when the forking OS thread exits, so the SDK's parent poll backs it up.
// The plugin also gets a process group of its own, so that killGroup ends
// whatever it started: a shell wrapper's child holds the plugin's stdout,
// and go-plugin waits for that pipe to close before it reaps the process.
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
}

// killGroup sends SIGKILL to the plugin's process group (its pgid is its
// pid). Nothing is left to kill when the group is gone.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process == nil || cmd.Process.Pid <= 0 {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
