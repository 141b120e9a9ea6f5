package cache

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// ErrLocked is returned by Open when another process holds the store.
var ErrLocked = errors.New("cache file is in use by another process")

// lockFile takes an exclusive, non-blocking flock on f. The lock belongs to the
// open file, so it also refuses a second Open of the same path in this process,
// and the kernel drops it when the process dies (no stale lock after a crash).
func lockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return fmt.Errorf("%s: %w (another harness run is using it; wait for it to finish or give this run its own cache file)", f.Name(), ErrLocked)
		default:
			return fmt.Errorf("lock %s: %w", f.Name(), err)
		}
	}
}
