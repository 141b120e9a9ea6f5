// Package progress draws one progress line per task on a terminal, or writes
// plain log lines when the output is a file or pipe (CI logs, `2> log`): at
// each 10% step at most once a second, and every 10 seconds when progress is
// slow, so a long evaluation or download always says how far it is and how
// long is left.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Bar reports the progress of one task of known size.
type Bar struct {
	mu       sync.Mutex
	w        io.Writer
	tty      bool
	name     string
	unit     string
	total    int64
	done     int64
	start    time.Time
	last     time.Time // last line drawn
	lastPct  int       // last percentage logged (plain mode)
	width    int       // length of the last line drawn (tty mode)
	finished bool
	now      func() time.Time
}

// Options tune a Bar.
type Options struct {
	// Unit names what is counted ("items", "B"); bytes are shown as
	// "34.7 MB" (B, kB, MB or GB, whichever suits the total).
	Unit string
	// TTY forces terminal mode on or off; nil detects it from w.
	TTY *bool
	// Now replaces time.Now (tests).
	Now func() time.Time
}

// plainEvery is how often plain mode logs at most, besides every 10%.
const plainEvery = 10 * time.Second

// plainMinGap keeps a fast task from logging every 10% within a second;
// Finish always says how it ended.
const plainMinGap = time.Second

// ttyEvery bounds redraws on a terminal.
const ttyEvery = 100 * time.Millisecond

// New starts a bar for total units of work named name, drawn on w.
func New(w io.Writer, name string, total int64, opts Options) *Bar {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	tty := IsTerminal(w)
	if opts.TTY != nil {
		tty = *opts.TTY
	}
	unit := opts.Unit
	if unit == "" {
		unit = "items"
	}
	t := now()
	b := &Bar{w: w, tty: tty, name: name, unit: unit, total: total, start: t, last: t, now: now, lastPct: -1}
	if !tty && total > 0 {
		fmt.Fprintf(w, "%s: started, %s\n", name, b.of(total, total))
	} else if !tty {
		fmt.Fprintf(w, "%s: started\n", name)
	}
	return b
}

// IsTerminal says whether w is a character device (a terminal).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Set records that done units are finished. Calls may come from any goroutine.
func (b *Bar) Set(done int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.finished {
		return
	}
	b.done = done
	t := b.now()
	if b.tty {
		if t.Sub(b.last) >= ttyEvery || done >= b.total || b.width == 0 {
			b.draw(t)
		}
		return
	}
	pct := b.percent() / 10 * 10
	since := t.Sub(b.last)
	if (pct > b.lastPct && since >= plainMinGap) || since >= plainEvery {
		if pct > b.lastPct {
			b.lastPct = pct
		}
		b.last = t
		fmt.Fprintf(b.w, "%s: %s\n", b.name, b.status(t))
	}
}

// Add records n more finished units.
func (b *Bar) Add(n int64) {
	b.mu.Lock()
	d := b.done + n
	b.mu.Unlock()
	b.Set(d)
}

// Finish ends the bar with a closing line saying what happened (e.g. "done",
// "3 failed"); later calls do nothing.
func (b *Bar) Finish(note string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.finished {
		return
	}
	b.finished = true
	t := b.now()
	elapsed := t.Sub(b.start)
	line := fmt.Sprintf("%s: %s in %s", b.name, b.of(b.done, b.done), formatDuration(elapsed))
	if b.total > 0 {
		line = fmt.Sprintf("%s: %s in %s", b.name, b.pair(b.done, b.total), formatDuration(elapsed))
	}
	if note != "" {
		line += ", " + note
	}
	if b.tty {
		fmt.Fprintf(b.w, "\r%s%s\n", line, strings.Repeat(" ", max(0, b.width-len(line))))
		return
	}
	fmt.Fprintln(b.w, line)
}

func (b *Bar) percent() int {
	if b.total <= 0 {
		return 0
	}
	return int(b.done * 100 / b.total)
}

func (b *Bar) draw(t time.Time) {
	b.last = t
	const cells = 24
	filled := 0
	if b.total > 0 {
		filled = int(min(b.done, b.total) * cells / b.total)
	}
	bar := strings.Repeat("=", filled) + strings.Repeat(" ", cells-filled)
	if filled > 0 && filled < cells {
		bar = bar[:filled-1] + ">" + bar[filled:]
	}
	line := fmt.Sprintf("%-10s [%s] %s", b.name, bar, b.status(t))
	fmt.Fprintf(b.w, "\r%s%s", line, strings.Repeat(" ", max(0, b.width-len(line))))
	b.width = len(line)
}

// status is "512/1000 (51%), 41.2 items/s, ETA 12s".
func (b *Bar) status(t time.Time) string {
	elapsed := t.Sub(b.start).Seconds()
	s := b.of(b.done, b.done)
	if b.total > 0 {
		s = fmt.Sprintf("%s (%d%%)", b.pair(b.done, b.total), b.percent())
	}
	if elapsed <= 0 || b.done == 0 {
		return s
	}
	rate := float64(b.done) / elapsed
	s += fmt.Sprintf(", %s/s", b.rate(rate))
	if b.total > b.done && rate > 0 {
		eta := time.Duration(float64(b.total-b.done) / rate * float64(time.Second))
		s += ", ETA " + formatDuration(eta)
	}
	return s
}

// of is n with its unit, "512 items" or "34.7 MB": bytes are scaled to
// the unit that suits scale (B, kB, MB, GB; powers of 1000).
func (b *Bar) of(n, scale int64) string {
	if b.unit != "B" {
		return fmt.Sprintf("%d %s", n, b.unit)
	}
	div, name := byteUnit(scale)
	if div == 1 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f %s", float64(n)/div, name)
}

// pair is "512/1000 items" or "12.0/34.7 MB" (one unit, the total's).
func (b *Bar) pair(done, total int64) string {
	if b.unit != "B" {
		return fmt.Sprintf("%d/%d %s", done, total, b.unit)
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

func (b *Bar) rate(r float64) string {
	if b.unit == "B" {
		div, name := byteUnit(int64(r))
		if div == 1 {
			return fmt.Sprintf("%.0f B", r)
		}
		return fmt.Sprintf("%.1f %s", r/div, name)
	}
	return fmt.Sprintf("%.1f %s", r, b.unit)
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
