//go:build linux

package runner

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts a server in its own process group, so stopping it
// stops what it started (vLLM's workers).
func setProcessGroup(cmd *exec.Cmd) {
	// Pdeathsig: a SIGKILLed harness takes its servers with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

func signalGroup(cmd *exec.Cmd, sig syscall.Signal) {
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, sig)
	}
}
