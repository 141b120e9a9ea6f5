// Package progress shows how far running tasks are. On a terminal a Board
// redraws one line per running task (a bar, done/total, rate and ETA) below
// the log lines printed through it, so tasks that run side by side (stages
// and cells under `harness run --jobs`) each keep their own line. When the
// output is a file or pipe (CI logs, `2> log`) it writes plain log lines
// instead: a start line, one at each 10% step at most once a second, one
// every 10 seconds when progress is slow, and a finish line, so a long
// evaluation or download always says how far it is and how long is left.
//
// A Board starts no goroutine: it draws when a task reports, so nothing is
// left running when the tasks end.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// Board draws the bars of the tasks running at once and the log lines
// printed between them. Its methods may be called from any goroutine.
type Board struct {
	mu      sync.Mutex
	w       io.Writer
	tty     bool
	now     func() time.Time
	width   func() int
	running []*Bar // in start order: on a terminal, their lines top to bottom
	drawn   int    // lines of the running region on screen (terminal)
	last    time.Time
	partial []byte // a log line Write has not seen the end of
}

// Bar reports the progress of one task of known size (or unknown: total ≤ 0).
type Bar struct {
	b        *Board
	name     string
	unit     string
	total    int64
	done     int64
	note     string
	start    time.Time
	last     time.Time // last plain line
	lastPct  int       // last percentage step logged (plain)
	finished bool
}

// Options tune a Board, and the Bar New makes.
type Options struct {
	// Unit names what is counted ("items", "B"); bytes are shown as
	// "34.7 MB" (B, kB, MB or GB, whichever suits the total).
	Unit string
	// TTY forces terminal mode on or off; nil detects it from w.
	TTY *bool
	// Now replaces time.Now (tests).
	Now func() time.Time
	// Width is the terminal's width in columns; nil asks the terminal
	// (80 when it cannot say).
	Width func() int
}

// plainEvery is how often plain mode logs at most, besides every 10%.
const plainEvery = 10 * time.Second

// plainMinGap keeps a fast task from logging every 10% within a second;
// Finish always says how it ended.
const plainMinGap = time.Second

// ttyEvery bounds redraws on a terminal.
const ttyEvery = 100 * time.Millisecond

// barCells is the width of the bar itself, between its brackets.
const barCells = 24

// NewBoard returns a board drawing on w.
func NewBoard(w io.Writer, opts Options) *Board {
	d := &Board{w: w, tty: IsTerminal(w), now: opts.Now, width: opts.Width}
	if opts.TTY != nil {
		d.tty = *opts.TTY
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.width == nil {
		d.width = func() int { return terminalWidth(w) }
	}
	return d
}

// New starts a bar for total units of work named name, alone on its own
// board drawn on w (one task at a time: a download, one training run).
func New(w io.Writer, name string, total int64, opts Options) *Bar {
	return NewBoard(w, opts).Start(name, opts.Unit, total)
}

// IsTerminal says whether w is a terminal (not a file, pipe or /dev/null).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func terminalWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			return cols
		}
	}
	return 80
}

// Start begins a bar for total units (unit "" counts items) of the task name.
func (d *Board) Start(name, unit string, total int64) *Bar {
	if unit == "" {
		unit = "items"
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	t := d.now()
	bar := &Bar{b: d, name: name, unit: unit, total: total, start: t, last: t, lastPct: -1}
	d.running = append(d.running, bar)
	if d.tty {
		d.redraw(t, nil)
		return bar
	}
	if total > 0 {
		fmt.Fprintf(d.w, "%s: started, %s\n", name, bar.of(total, total))
	} else {
		fmt.Fprintf(d.w, "%s: started\n", name)
	}
	return bar
}

// Printf prints a log line above the running bars.
func (d *Board) Printf(format string, args ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.log(strings.TrimSuffix(fmt.Sprintf(format, args...), "\n"))
}

// Write prints what a logger writes as log lines above the running bars
// (an hclog.Logger's Output); a line without its end waits for it.
func (d *Board) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.partial = append(d.partial, p...)
	for {
		line, rest, ok := strings.Cut(string(d.partial), "\n")
		if !ok {
			break
		}
		d.partial = []byte(rest)
		d.log(line)
	}
	return len(p), nil
}

// Close ends the bars still running with the note "stopped" (a task cut off
// by Ctrl-C or a failure that skipped its Finish), so the terminal is left
// on a fresh line with every task's last state in the log.
func (d *Board) Close() {
	d.mu.Lock()
	running := append([]*Bar(nil), d.running...)
	if len(d.partial) > 0 {
		d.log(string(d.partial))
		d.partial = nil
	}
	d.mu.Unlock()
	for _, bar := range running {
		bar.Finish("stopped")
	}
}

// log prints one line: on a terminal in place of the running region, which
// is drawn again below it. Called with d.mu held.
func (d *Board) log(line string) {
	if !d.tty {
		fmt.Fprintln(d.w, line)
		return
	}
	d.redraw(d.now(), []string{line})
}

// redraw clears the running region, prints lines above it for good, and
// draws one line per running bar. The cursor is left at the end of the last
// bar, not below it, so a lone bar is one line that \r redraws. Called with
// d.mu held.
func (d *Board) redraw(t time.Time, lines []string) {
	var s strings.Builder
	if d.drawn > 0 {
		s.WriteString("\r")
		if d.drawn > 1 {
			fmt.Fprintf(&s, "\x1b[%dA", d.drawn-1)
		}
		s.WriteString("\x1b[J")
	}
	for _, l := range lines {
		s.WriteString(l)
		s.WriteString("\n")
	}
	// One column short of the width: a line that fills it wraps on some
	// terminals, and the region would be taller than drawn says.
	cols := max(20, d.width()-1)
	pad := 0
	for _, bar := range d.running {
		pad = max(pad, len(bar.name))
	}
	for i, bar := range d.running {
		if i > 0 {
			s.WriteString("\n")
		}
		s.WriteString(clip(bar.line(t, pad), cols))
	}
	d.drawn = len(d.running)
	d.last = t
	io.WriteString(d.w, s.String())
}

// clip cuts s to at most cols runes.
func clip(s string, cols int) string {
	r := []rune(s)
	if len(r) <= cols {
		return s
	}
	return string(r[:cols-1]) + "…"
}

// Set records that done units are finished.
func (bar *Bar) Set(done int64) {
	d := bar.b
	d.mu.Lock()
	defer d.mu.Unlock()
	if bar.finished {
		return
	}
	bar.done = done
	t := d.now()
	if d.tty {
		if t.Sub(d.last) >= ttyEvery || (bar.total > 0 && done >= bar.total) {
			d.redraw(t, nil)
		}
		return
	}
	pct := bar.percent() / 10 * 10
	since := t.Sub(bar.last)
	if (pct > bar.lastPct && since >= plainMinGap) || since >= plainEvery {
		if pct > bar.lastPct {
			bar.lastPct = pct
		}
		bar.last = t
		fmt.Fprintf(d.w, "%s: %s\n", bar.name, bar.status(t))
	}
}

// Add records n more finished units.
func (bar *Bar) Add(n int64) {
	bar.b.mu.Lock()
	done := bar.done + n
	bar.b.mu.Unlock()
	bar.Set(done)
}

// Note sets what the bar's lines say after the numbers (a trainer's
// latest loss); it shows at the next line drawn.
func (bar *Bar) Note(note string) {
	bar.b.mu.Lock()
	defer bar.b.mu.Unlock()
	bar.note = note
}

// Finish ends the bar with a closing line saying what happened (e.g. "done",
// "3 failed", "FAILED: reason"); later calls do nothing.
func (bar *Bar) Finish(note string) {
	d := bar.b
	d.mu.Lock()
	defer d.mu.Unlock()
	if bar.finished {
		return
	}
	bar.finished = true
	t := d.now()
	line := fmt.Sprintf("%s: %s in %s", bar.name, bar.of(bar.done, bar.done), formatDuration(t.Sub(bar.start)))
	if bar.total > 0 {
		line = fmt.Sprintf("%s: %s in %s", bar.name, bar.pair(bar.done, bar.total), formatDuration(t.Sub(bar.start)))
	}
	if note != "" {
		line += ", " + note
	}
	for i, r := range d.running {
		if r == bar {
			d.running = append(d.running[:i], d.running[i+1:]...)
			break
		}
	}
	d.log(line)
}

func (bar *Bar) percent() int {
	if bar.total <= 0 {
		return 0
	}
	return int(min(bar.done, bar.total) * 100 / bar.total)
}

// line is the bar's line on a terminal, its name padded to pad.
func (bar *Bar) line(t time.Time, pad int) string {
	filled := 0
	if bar.total > 0 {
		filled = int(min(max(bar.done, 0), bar.total) * barCells / bar.total)
	}
	cells := strings.Repeat("=", filled) + strings.Repeat(" ", barCells-filled)
	if filled > 0 && filled < barCells {
		cells = cells[:filled-1] + ">" + cells[filled:]
	}
	return fmt.Sprintf("%-*s [%s] %s", max(10, pad), bar.name, cells, bar.status(t))
}

// status is "512/1000 items (51%), 41.2 items/s, ETA 12s" and the note.
func (bar *Bar) status(t time.Time) string {
	s := bar.of(bar.done, bar.done)
	if bar.total > 0 {
		s = fmt.Sprintf("%s (%d%%)", bar.pair(bar.done, bar.total), bar.percent())
	}
	if elapsed := t.Sub(bar.start).Seconds(); elapsed > 0 && bar.done > 0 {
		rate := float64(bar.done) / elapsed
		s += fmt.Sprintf(", %s/s", bar.rate(rate))
		if bar.total > bar.done {
			s += ", ETA " + formatDuration(time.Duration(float64(bar.total-bar.done)/rate*float64(time.Second)))
		}
	}
	if bar.note != "" {
		s += "; " + bar.note
	}
	return s
}

// of is n with its unit, "512 items" or "34.7 MB": bytes are scaled to
// the unit that suits scale (B, kB, MB, GB; powers of 1000).
func (bar *Bar) of(n, scale int64) string {
	if bar.unit != "B" {
		return fmt.Sprintf("%d %s", n, bar.unit)
	}
	div, name := byteUnit(scale)
	if div == 1 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f %s", float64(n)/div, name)
}

// pair is "512/1000 items" or "12.0/34.7 MB" (one unit, the total's).
func (bar *Bar) pair(done, total int64) string {
	if bar.unit != "B" {
		return fmt.Sprintf("%d/%d %s", done, total, bar.unit)
	}
	div, name := byteUnit(total)
	if div == 1 {
		return fmt.Sprintf("%d/%d B", done, total)
	}
	return fmt.Sprintf("%.1f/%.1f %s", float64(done)/div, float64(total)/div, name)
}

func byteUnit(n int64) (float64, string) {
	switch {
	case n >= 1e9:
		return 1e9, "GB"
	case n >= 1e6:
		return 1e6, "MB"
	case n >= 1e3:
		return 1e3, "kB"
	}
	return 1, "B"
}

func (bar *Bar) rate(r float64) string {
	if bar.unit == "B" {
		div, name := byteUnit(int64(r))
		if div == 1 {
			return fmt.Sprintf("%.0f B", r)
		}
		return fmt.Sprintf("%.1f %s", r/div, name)
	}
	return fmt.Sprintf("%.1f %s", r, bar.unit)
}

// formatDuration prints 4s, 2m05s, 1h02m.
func formatDuration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	default:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
}
