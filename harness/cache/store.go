package cache

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// Options tune a Store. Zero values take the defaults.
type Options struct {
	// BatchSize is how many new entries trigger an fsync (default 16).
	BatchSize int
	// FlushInterval bounds how long a new entry may wait before it is
	// fsynced (default 500ms). Each entry is written to the file by Put, so
	// a killed process loses nothing; these two bound what a crash of the
	// machine (or of its power) can lose.
	FlushInterval time.Duration
	// Logger receives warnings (torn last line, duplicate keys). Default: none;
	// the warnings are also kept in Store.Warnings.
	Logger *slog.Logger
}

const (
	defaultBatchSize     = 16
	defaultFlushInterval = 500 * time.Millisecond
)

// Store is an append-only JSONL store of answers keyed by request hash. It is
// safe for concurrent use.
type Store struct {
	path string
	opts Options
	file *os.File

	mu       sync.Mutex
	entries  map[string]json.RawMessage
	unsynced int // entries written since the last fsync
	closed   bool
	writeErr error // first write or fsync failure; later Puts return it
	warnings []string

	kick    chan struct{}   // wakes the writer when a batch is full
	syncReq chan chan error // Sync asks the writer to write and fsync now
	done    chan struct{}   // closed by Close
	stopped chan struct{}   // closed by the writer when it has finished
}

// Open opens (creating if needed) the store at path with default options.
func Open(path string) (*Store, error) { return OpenWith(path, Options{}) }

// OpenWith opens the store at path, loads its entries and locks it for this
// process. A torn last line left by a crash is cut off with a warning.
func OpenWith(path string, opts Options) (*Store, error) {
	if opts.BatchSize <= 0 {
		opts.BatchSize = defaultBatchSize
	}
	if opts.FlushInterval <= 0 {
		opts.FlushInterval = defaultFlushInterval
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open cache: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, err
	}
	ld, err := load(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	s := &Store{
		path:    path,
		opts:    opts,
		file:    f,
		entries: ld.entries,
		kick:    make(chan struct{}, 1),
		syncReq: make(chan chan error),
		done:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	if ld.torn {
		// Cut the torn bytes off, or the next append would glue a valid entry
		// onto them and turn a harmless tail into a corrupt middle line.
		if err := f.Truncate(ld.good); err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: drop torn last line: %w", path, err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: drop torn last line: %w", path, err)
		}
		s.warn(fmt.Sprintf("%s:%d: incomplete last line (the previous run was killed mid-write); dropped it, %d entries kept", path, ld.lines+1, len(ld.entries)))
	}
	if ld.dups > 0 {
		s.warn(fmt.Sprintf("%s: %d lines repeat an earlier key; the first answer of each key is used", path, ld.dups))
	}
	go s.writer()
	return s, nil
}

func (s *Store) warn(msg string) {
	s.warnings = append(s.warnings, msg)
	if s.opts.Logger != nil {
		s.opts.Logger.Warn(msg)
	}
}

// Path returns the file the store writes to.
func (s *Store) Path() string { return s.path }

// Warnings returns what Open found worth telling (torn line, duplicates).
func (s *Store) Warnings() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.warnings...)
}

// Len returns the number of entries.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

// Get returns the value stored under key.
func (s *Store) Get(key string) (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.entries[key]
	return v, ok
}

// Put stores value (marshalled with encoding/json; a json.RawMessage is kept
// as is) under key. A key that is already present keeps its first value and
// Put returns nil: the same request must keep giving the same answer. Put
// returns once the entry is written to the file (in the kernel's hands, so a
// killed process loses nothing); it is fsynced with the next batch.
func (s *Store) Put(key string, value any) error {
	if key == "" {
		return errors.New("cache put: empty key")
	}
	raw, err := json.Marshal(value)
	if err != nil {
		return fmt.Errorf("cache put %s: marshal value: %w", key, err)
	}
	line, err := json.Marshal(entry{Key: key, Value: raw})
	if err != nil {
		return fmt.Errorf("cache put %s: %w", key, err)
	}
	line = append(line, '\n')

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("cache put %s: store %s is closed", key, s.path)
	}
	if s.writeErr != nil {
		return s.writeErr
	}
	if _, ok := s.entries[key]; ok {
		return nil
	}
	// One write call per line on an O_APPEND file: the line lands whole
	// after the previous one, and a kill cannot leave half of it except
	// through a short write, which load cuts off as a torn last line.
	if _, err := s.file.Write(line); err != nil {
		s.writeErr = fmt.Errorf("write cache %s: %w (later answers are not saved)", s.path, err)
		return s.writeErr
	}
	s.entries[key] = json.RawMessage(raw)
	s.unsynced++
	if s.unsynced >= s.opts.BatchSize {
		select {
		case s.kick <- struct{}{}:
		default: // the writer is already due to run
		}
	}
	return nil
}

// Sync writes and fsyncs every entry Put so far.
func (s *Store) Sync() error {
	reply := make(chan error, 1)
	select {
	case s.syncReq <- reply:
		return <-reply
	case <-s.stopped:
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.writeErr != nil {
			return s.writeErr
		}
		return fmt.Errorf("cache sync: store %s is closed", s.path)
	}
}

// Close writes and fsyncs what is pending, releases the lock and closes the
// file. It returns the first write error the store met, if any.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	close(s.done)
	<-s.stopped

	s.mu.Lock()
	err := s.writeErr
	s.mu.Unlock()
	if cerr := s.file.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("close cache %s: %w", s.path, cerr)
	}
	return err
}

// writer is the only goroutine that touches the file after Open.
func (s *Store) writer() {
	defer close(s.stopped)
	tick := time.NewTicker(s.opts.FlushInterval)
	defer tick.Stop()
	for {
		select {
		case <-s.kick:
			s.flush()
		case <-tick.C:
			s.flush()
		case reply := <-s.syncReq:
			reply <- s.flush()
		case <-s.done:
			s.flush()
			return
		}
	}
}

// flush fsyncs the entries written since the last fsync.
func (s *Store) flush() error {
	s.mu.Lock()
	n := s.unsynced
	s.unsynced = 0
	err := s.writeErr
	s.mu.Unlock()
	if err != nil || n == 0 {
		return err
	}
	if err = s.file.Sync(); err != nil {
		err = fmt.Errorf("fsync cache %s: %w (entries since the last successful fsync may not survive a crash of the machine)", s.path, err)
		s.mu.Lock()
		s.writeErr = err
		s.mu.Unlock()
	}
	return err
}
