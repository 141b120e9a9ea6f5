//go:build unix

package engine

import (
	"errors"
	"os/exec"
	"syscall"
)

// ownGroup starts the command as the leader of a new process group, so the
// whole tree it spawns (Ray workers, dataloader processes) is signalled at once.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// signalGroup sends sig to the process group led by pid; a group that is
// already gone is not an error.
func signalGroup(pid int, sig syscall.Signal) error {
	if err := syscall.Kill(-pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	return nil
}

var (
	sigTerm = syscall.SIGTERM
	sigKill = syscall.SIGKILL
)

// groupAlive reports whether any process of the group led by pid is left.
func groupAlive(pid int) bool {
	return syscall.Kill(-pid, 0) == nil
}
