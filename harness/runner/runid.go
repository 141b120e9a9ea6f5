package runner

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// newRunDir creates the folder of a new run under runs and returns the
// run's id and the folder. The id is the start time to the second; runs
// started in the same second get -2, -3, ... The folder is made with
// os.Mkdir, which fails if it exists, so two runs (in one process or
// several) never share an id and a run folder is never reused.
func newRunDir(runs string, start time.Time) (id, dir string, err error) {
	if err := os.MkdirAll(runs, 0o755); err != nil {
		return "", "", fmt.Errorf("create run folder: %w", err)
	}
	base := start.UTC().Format("20060102-150405")
	for n := 1; n <= 10000; n++ {
		id = base
		if n > 1 {
			id = fmt.Sprintf("%s-%d", base, n)
		}
		dir = filepath.Join(runs, id)
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			return id, dir, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", "", fmt.Errorf("create run folder: %w", err)
		}
	}
	return "", "", fmt.Errorf("create run folder: %s already holds 10000 runs started at %s", runs, base)
}
