package cache

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// entry is one line of the store.
type entry struct {
	Key   string          `json:"key"`
	Value json.RawMessage `json:"value"`
}

// CorruptError reports a line in the middle of a store that is not a valid
// entry. A crash only ever tears the last line, so this means the file was
// edited or damaged; the store refuses to guess.
type CorruptError struct {
	Path string
	Line int
	Err  error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("%s:%d: not a cache entry (%v); delete or fix that line, or move the file away to start a fresh cache", e.Path, e.Line, e.Err)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// loaded is what reading an existing store gives.
type loaded struct {
	entries map[string]json.RawMessage
	lines   int   // complete, valid lines
	good    int64 // byte offset just past the last complete line
	torn    bool  // the file ended in an incomplete line
	dups    int   // lines whose key was already seen (first one kept)
}

// load reads every complete line of f from the start.
func load(f *os.File) (*loaded, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("read %s: %w", f.Name(), err)
	}
	out := &loaded{entries: make(map[string]json.RawMessage)}
	r := bufio.NewReaderSize(f, 1<<16)
	lineNo := 0
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 && line[len(line)-1] != '\n' {
			// A write cut short by a crash: everything before it is intact.
			out.torn = true
			return out, nil
		}
		if len(line) > 0 && len(bytes.TrimSpace(line)) == 0 {
			// A blank line (an editor, a concatenation): no entry, no harm.
			lineNo++
			out.good += int64(len(line))
		} else if len(line) > 0 {
			lineNo++
			e, perr := parseLine(line)
			if perr != nil {
				return nil, &CorruptError{Path: f.Name(), Line: lineNo, Err: perr}
			}
			if _, seen := out.entries[e.Key]; seen {
				out.dups++
			} else {
				out.entries[e.Key] = e.Value
			}
			out.lines++
			out.good += int64(len(line))
		}
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", f.Name(), err)
		}
	}
}

func parseLine(line []byte) (entry, error) {
	var e entry
	// Unknown fields are allowed so a later version may add some.
	if err := json.Unmarshal(line, &e); err != nil {
		return e, err
	}
	if e.Key == "" {
		return e, errors.New(`missing "key"`)
	}
	if len(e.Value) == 0 {
		return e, errors.New(`missing "value"`)
	}
	return e, nil
}
