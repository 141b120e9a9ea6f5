package datafetch

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Options adjust one Fetch. The zero value downloads from VLMEvalKit's URL.
type Options struct {
	// BaseURL is a mirror holding the files flat: the URL becomes
	// BaseURL + "/" + Source.File().
	BaseURL string
	// URL, when set, is the exact URL to download (it wins over BaseURL).
	URL string
	// MD5 replaces the expected checksum (hex), for a file republished
	// upstream. Leave it empty to check against VLMEvalKit's.
	MD5 string
	// HTTPClient replaces http.DefaultClient.
	HTTPClient *http.Client
	// Progress is called as bytes arrive (Done grows to Total; Total is -1
	// when the server does not say). It runs on Fetch's goroutine.
	Progress func(Progress)
}

// Progress is a download's state.
type Progress struct {
	Benchmark, File string
	Done, Total     int64
}

// Result says what Fetch did.
type Result struct {
	Path  string // the verified file
	Bytes int64
	MD5   string
	// Downloaded is false when a verified file was already there.
	Downloaded bool
	// Resumed is true when the download continued an earlier .part file.
	Resumed bool
	// Replaced is true when a file with the wrong checksum was deleted first.
	Replaced bool
	// Pinned is true when the file kept has the MD5 an earlier Fetch was
	// given explicitly (Options.MD5, recorded in PinFile), not VLMEvalKit's.
	Pinned bool
}

// ErrChecksum is wrapped by the error of a download whose MD5 is wrong.
var ErrChecksum = errors.New("checksum mismatch")

// errResumable marks failures that running Fetch again can get past: the
// download was cut off, the network or the server failed for a while.
var errResumable = errors.New("resumable")

type resumableError struct{ err error }

func (e resumableError) Error() string   { return e.err.Error() }
func (e resumableError) Unwrap() []error { return []error{e.err, errResumable} }

// Resumable reports whether running Fetch again may succeed: true for an
// interrupted download or a transient server failure, false for what a
// rerun cannot fix (a 404, a checksum mismatch, a bad MD5, a file that
// import wrote).
func Resumable(err error) bool { return errors.Is(err, errResumable) }

// PinFile is where Fetch records the MD5 a file was verified against when
// it was given explicitly (md5sum's format), so that a later Fetch without
// it keeps the file instead of replacing it with VLMEvalKit's.
func PinFile(path string) string { return path + ".md5" }

// pinned reports whether PinFile(dest) records sum for dest.
func pinned(dest, sum string) bool {
	b, err := os.ReadFile(PinFile(dest))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(b))
	return len(fields) >= 1 && strings.EqualFold(fields[0], sum)
}

// Fetch makes sure dir holds the verified VLMEvalKit TSV of benchmark and
// returns its path. A file already there with the right MD5 is kept; one with
// a wrong MD5 is replaced. The download goes to <file>.part and is renamed
// only once its MD5 matches; an interrupted download is continued by the next
// Fetch. On a mismatch nothing of the download is kept.
func Fetch(ctx context.Context, benchmark, dir string, opts Options) (Result, error) {
	src, err := Lookup(benchmark)
	if err != nil {
		return Result{}, err
	}
	want := strings.ToLower(strings.TrimSpace(opts.MD5))
	if want == "" {
		want = src.MD5
	}
	if b, err := hex.DecodeString(want); err != nil || len(b) != md5.Size {
		return Result{}, fmt.Errorf("fetch %s: MD5 %q is not 32 hex digits", src.Benchmark, opts.MD5)
	}
	url := src.URL
	switch {
	case opts.URL != "":
		url = opts.URL
	case opts.BaseURL != "":
		url = strings.TrimRight(opts.BaseURL, "/") + "/" + src.File()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Result{}, fmt.Errorf("fetch %s: %w", src.Benchmark, err)
	}
	dest := filepath.Join(dir, src.File())
	res := Result{Path: dest, MD5: want}
	f := &fetcher{ctx: ctx, src: src, url: url, client: opts.HTTPClient, progress: opts.Progress}
	if f.client == nil {
		f.client = http.DefaultClient
	}

	// A file `harness data import` wrote is the user's own build, not a
	// broken download: never delete it.
	if _, err := os.Stat(ImportMarker(dest)); err == nil {
		return res, fmt.Errorf("fetch %s: %s was written by `harness data import` (see %s); fetch into another folder, or delete both files first",
			src.Benchmark, dest, filepath.Base(ImportMarker(dest)))
	}
	// A verified file already there: nothing to do.
	if sum, size, err := fileMD5(dest); err == nil {
		if sum == want {
			res.Bytes = size
			f.report(size, size)
			return res, nil
		}
		if opts.MD5 == "" && pinned(dest, sum) {
			// Fetched earlier with an explicit MD5 (a republished file):
			// the user's choice stands until they give another MD5.
			res.Bytes, res.MD5, res.Pinned = size, sum, true
			f.report(size, size)
			return res, nil
		}
		if err := os.Remove(dest); err != nil {
			return res, fmt.Errorf("fetch %s: remove %s (MD5 %s, want %s): %w", src.Benchmark, dest, sum, want, err)
		}
		res.Replaced = true
	} else if !errors.Is(err, os.ErrNotExist) {
		return res, fmt.Errorf("fetch %s: %w", src.Benchmark, err)
	}

	part := dest + ".part"
	pf, err := os.OpenFile(part, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return res, fmt.Errorf("fetch %s: %w", src.Benchmark, err)
	}
	defer pf.Close()
	if err := syscall.Flock(int(pf.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return res, fmt.Errorf("fetch %s: %s is being downloaded by another process (%v); wait for it to finish", src.Benchmark, part, err)
	}

	// Try once; if a resumed download fails its check, the old part was
	// from another version of the file: start over once from byte 0.
	for attempt := 0; ; attempt++ {
		sum, size, resumed, err := f.download(pf, attempt > 0)
		if err != nil {
			// The .part stays for the next Fetch to resume, unless empty.
			if st, serr := pf.Stat(); serr == nil && st.Size() == 0 {
				os.Remove(part)
			}
			return res, err
		}
		if sum == want {
			if err := os.Rename(part, dest); err != nil {
				return res, fmt.Errorf("fetch %s: %w", src.Benchmark, err)
			}
			pin := PinFile(dest)
			if want != src.MD5 {
				if err := os.WriteFile(pin, []byte(want+"  "+src.File()+"\n"), 0o644); err != nil {
					return res, fmt.Errorf("fetch %s: record the MD5 it was checked against: %w", src.Benchmark, err)
				}
			} else {
				os.Remove(pin) // VLMEvalKit's file again: no pin
			}
			syncDir(dir)
			res.Bytes, res.Downloaded, res.Resumed = size, true, resumed
			return res, nil
		}
		if resumed && attempt == 0 {
			continue
		}
		os.Remove(part)
		return res, fmt.Errorf("fetch %s: %w: %s has MD5 %s, want %s; the download was deleted. If the file was republished upstream, pass its MD5 explicitly", src.Benchmark, ErrChecksum, url, sum, want)
	}
}

type fetcher struct {
	ctx      context.Context
	src      Source
	url      string
	client   *http.Client
	progress func(Progress)
}

func (f *fetcher) report(done, total int64) {
	if f.progress != nil {
		f.progress(Progress{Benchmark: f.src.Benchmark, File: f.src.File(), Done: done, Total: total})
	}
}

// download brings part to the whole file, resuming from its current size
// unless fresh is set, and returns the MD5 and size of the whole file.
func (f *fetcher) download(part *os.File, fresh bool) (sum string, size int64, resumed bool, err error) {
	h := md5.New()
	offset := int64(0)
	if !fresh {
		if offset, err = hashFrom(part, h); err != nil {
			return "", 0, false, fmt.Errorf("fetch %s: read %s: %w", f.src.Benchmark, part.Name(), err)
		}
	}
	resp, err := f.get(offset)
	if err != nil {
		return "", 0, false, err
	}
	defer resp.Body.Close()

	total := int64(-1)
	switch resp.StatusCode {
	case http.StatusPartialContent:
		start, length, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || start != offset {
			if offset == 0 {
				return "", 0, false, fmt.Errorf("fetch %s: GET %s: partial content %q for a request without Range", f.src.Benchmark, f.url, resp.Header.Get("Content-Range"))
			}
			// Not the range asked for: start over rather than splice.
			resp.Body.Close()
			return f.restart(part)
		}
		total, resumed = length, offset > 0
	case http.StatusOK:
		// The whole file: the server ignored Range, or none was asked.
		if resp.ContentLength >= 0 {
			total = resp.ContentLength
		}
		if offset > 0 {
			h.Reset()
			offset = 0
		}
	case http.StatusRequestedRangeNotSatisfiable:
		// Asked past the end: the part may already be the whole file.
		_, length, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if offset == 0 {
			return "", 0, false, fmt.Errorf("fetch %s: GET %s: %s for a request without Range", f.src.Benchmark, f.url, resp.Status)
		}
		if ok && length == offset {
			f.report(offset, offset)
			return hex.EncodeToString(h.Sum(nil)), offset, true, nil
		}
		resp.Body.Close()
		return f.restart(part)
	default:
		err := fmt.Errorf("fetch %s: GET %s: %s", f.src.Benchmark, f.url, resp.Status)
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout {
			return "", 0, false, resumableError{err}
		}
		if resp.StatusCode == http.StatusNotFound {
			err = fmt.Errorf("%w: no such file there; check --mirror or --url", err)
		}
		return "", 0, false, err
	}
	if err := part.Truncate(offset); err != nil {
		return "", 0, false, fmt.Errorf("fetch %s: %w", f.src.Benchmark, err)
	}
	if _, err := part.Seek(offset, io.SeekStart); err != nil {
		return "", 0, false, fmt.Errorf("fetch %s: %w", f.src.Benchmark, err)
	}
	pw := &progressWriter{f: f, done: offset, total: total}
	f.report(offset, total)
	n, err := io.Copy(io.MultiWriter(part, h, pw), resp.Body)
	if serr := part.Sync(); err == nil {
		err = serr
	}
	if err != nil {
		return "", 0, false, resumableError{fmt.Errorf("fetch %s: download interrupted after %d bytes (run again to resume): %w", f.src.Benchmark, offset+n, err)}
	}
	size = offset + n
	if total >= 0 && size != total {
		return "", 0, false, resumableError{fmt.Errorf("fetch %s: got %d of %d bytes (run again to resume)", f.src.Benchmark, size, total)}
	}
	return hex.EncodeToString(h.Sum(nil)), size, resumed, nil
}

// restart empties the part and downloads from byte 0.
func (f *fetcher) restart(part *os.File) (string, int64, bool, error) {
	if err := part.Truncate(0); err != nil {
		return "", 0, false, fmt.Errorf("fetch %s: %w", f.src.Benchmark, err)
	}
	return f.download(part, true)
}

func (f *fetcher) get(offset int64) (*http.Response, error) {
	req, err := http.NewRequestWithContext(f.ctx, http.MethodGet, f.url, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: URL %q: %w", f.src.Benchmark, f.url, err)
	}
	// Byte ranges must refer to the file itself, not a gzip of it.
	req.Header.Set("Accept-Encoding", "identity")
	if offset > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(offset, 10)+"-")
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, resumableError{fmt.Errorf("fetch %s: %w", f.src.Benchmark, err)}
	}
	return resp, nil
}

// parseContentRange reads "bytes start-end/length" or "bytes */length".
func parseContentRange(v string) (start, length int64, ok bool) {
	rest, found := strings.CutPrefix(strings.TrimSpace(v), "bytes ")
	if !found {
		return 0, 0, false
	}
	rng, size, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, false
	}
	length, err := strconv.ParseInt(size, 10, 64)
	if err != nil || length < 0 {
		return 0, 0, false
	}
	if rng == "*" {
		return 0, length, true
	}
	first, _, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, false
	}
	start, err = strconv.ParseInt(first, 10, 64)
	if err != nil || start < 0 {
		return 0, 0, false
	}
	return start, length, true
}

type progressWriter struct {
	f           *fetcher
	done, total int64
}

func (p *progressWriter) Write(b []byte) (int, error) {
	p.done += int64(len(b))
	p.f.report(p.done, p.total)
	return len(b), nil
}

// hashFrom feeds the whole of f into h and returns its size.
func hashFrom(f *os.File, h hash.Hash) (int64, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	return io.Copy(h, f)
}

func fileMD5(path string) (sum string, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := md5.New()
	size, err = io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), size, nil
}

// syncDir makes the rename durable; failure only weakens crash safety.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
