package host

import (
	"os/exec"
	"syscall"
)

// setDeathSignal asks Linux to kill the plugin when the host dies. It fires
// when the forking OS thread exits, so the SDK's parent poll backs it up.
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
