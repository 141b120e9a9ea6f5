package progress

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// clock is a fake time source advanced by the test.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestPlainLines(t *testing.T) {
	var out strings.Builder
	c := &clock{t: time.Unix(0, 0)}
	off := false
	b := New(&out, "mathvista", 1000, Options{TTY: &off, Now: c.now})
	for i := int64(1); i <= 1000; i++ {
		c.t = c.t.Add(10 * time.Millisecond)
		b.Set(i)
	}
	b.Finish("done")
	b.Finish("again") // ignored
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{
		"mathvista: started, 1000 items",
		"mathvista: 100/1000 items (10%), 100.0 items/s, ETA 9s",
		"mathvista: 200/1000 items (20%), 100.0 items/s, ETA 8s",
		"mathvista: 300/1000 items (30%), 100.0 items/s, ETA 7s",
		"mathvista: 400/1000 items (40%), 100.0 items/s, ETA 6s",
		"mathvista: 500/1000 items (50%), 100.0 items/s, ETA 5s",
		"mathvista: 600/1000 items (60%), 100.0 items/s, ETA 4s",
		"mathvista: 700/1000 items (70%), 100.0 items/s, ETA 3s",
		"mathvista: 800/1000 items (80%), 100.0 items/s, ETA 2s",
		"mathvista: 900/1000 items (90%), 100.0 items/s, ETA 1s",
		"mathvista: 1000/1000 items (100%), 100.0 items/s",
		"mathvista: 1000/1000 items in 10s, done",
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("plain lines (-want +got):\n%s", diff)
	}
}

func TestPlainLogsSlowProgressEveryTenSeconds(t *testing.T) {
	var out strings.Builder
	c := &clock{t: time.Unix(0, 0)}
	off := false
	b := New(&out, "dynamath", 5010, Options{TTY: &off, Now: c.now})
	c.t = c.t.Add(5 * time.Second)
	b.Set(1) // the first step: a line
	c.t = c.t.Add(4 * time.Second)
	b.Set(2) // same 0% step, too soon: no line
	c.t = c.t.Add(6100 * time.Millisecond)
	b.Set(3) // 10 s since the last line
	c.t = c.t.Add(100 * time.Millisecond)
	b.Set(600) // a new 10% step, but within a second of the last line
	got := strings.Count(out.String(), "\n")
	if got != 3 {
		t.Errorf("got %d lines, want 3:\n%s", got, out.String())
	}
}

func TestTerminalRedrawsOneLine(t *testing.T) {
	var out strings.Builder
	c := &clock{t: time.Unix(0, 0)}
	on := true
	b := New(&out, "wemath", 4, Options{TTY: &on, Now: c.now})
	for i := int64(1); i <= 4; i++ {
		c.t = c.t.Add(time.Second)
		b.Set(i)
	}
	b.Finish("")
	s := out.String()
	if strings.Count(s, "\n") != 1 || !strings.HasSuffix(s, "\n") {
		t.Errorf("terminal output should end in exactly one newline: %q", s)
	}
	if !strings.Contains(s, "[=====>                  ] 1/4 items (25%)") {
		t.Errorf("missing bar drawing: %q", s)
	}
	if !strings.Contains(s, "\r\x1b[Jwemath: 4/4 items in 4s") {
		t.Errorf("missing final line: %q", s)
	}
}

func TestBytesUnknownTotal(t *testing.T) {
	var out strings.Builder
	c := &clock{t: time.Unix(0, 0)}
	off := false
	b := New(&out, "MathVision.tsv", -1, Options{TTY: &off, Unit: "B", Now: c.now})
	c.t = c.t.Add(2 * time.Second)
	b.Set(4_000_000)
	b.Finish("verified")
	want := "MathVision.tsv: started\nMathVision.tsv: 4.0 MB, 2.0 MB/s\nMathVision.tsv: 4.0 MB in 2s, verified\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestFormatDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{{0, "0s"}, {59 * time.Second, "59s"}, {125 * time.Second, "2m05s"}, {3720 * time.Second, "1h02m"}} {
		if got := formatDuration(tc.d); got != tc.want {
			t.Errorf("formatDuration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// TestSizesReadable (issue 11 item 14): byte counts read "34.7 MB", never
// "34.7M B", with the unit that suits the size.
func TestSizesReadable(t *testing.T) {
	var out strings.Builder
	c := &clock{t: time.Unix(0, 0)}
	off := false
	b := New(&out, "LogicVista.tsv", 34_700_000, Options{TTY: &off, Unit: "B", Now: c.now})
	c.t = c.t.Add(2 * time.Second)
	b.Set(34_700_000)
	b.Finish("MD5 verified")
	want := "LogicVista.tsv: started, 34.7 MB\nLogicVista.tsv: 34.7/34.7 MB (100%), 17.4 MB/s\nLogicVista.tsv: 34.7/34.7 MB in 2s, MD5 verified\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	small := New(&strings.Builder{}, "x", 0, Options{TTY: &off, Unit: "B"})
	if got := small.pair(512, 900); got != "512/900 B" {
		t.Errorf("small sizes: %q", got)
	}
	if got := small.of(2_500_000_000, 2_500_000_000); got != "2.5 GB" {
		t.Errorf("large sizes: %q", got)
	}
}

// screen is a fake terminal: it keeps the lines a real one would show for
// what the Board writes (\r, \n, cursor up ESC[nA, erase below ESC[J).
type screen struct {
	mu        sync.Mutex
	lines     [][]rune
	row, col  int
	redrawn   int
	maxColumn int
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := []rune(string(p))
	for i := 0; i < len(r); i++ {
		for len(s.lines) <= s.row {
			s.lines = append(s.lines, nil)
		}
		switch c := r[i]; {
		case c == '\r':
			s.col = 0
		case c == '\n':
			s.row, s.col = s.row+1, 0
		case c == 0x1b && i+1 < len(r) && r[i+1] == '[':
			j, n := i+2, 0
			for ; j < len(r) && r[j] >= '0' && r[j] <= '9'; j++ {
				n = n*10 + int(r[j]-'0')
			}
			switch r[j] {
			case 'A':
				s.row = max(0, s.row-max(n, 1))
			case 'J':
				s.lines[s.row] = s.lines[s.row][:min(s.col, len(s.lines[s.row]))]
				s.lines = s.lines[:s.row+1]
				s.redrawn++
			}
			i = j
		default:
			line := s.lines[s.row]
			for len(line) <= s.col {
				line = append(line, ' ')
			}
			line[s.col] = c
			s.lines[s.row] = line
			s.col++
			s.maxColumn = max(s.maxColumn, s.col)
		}
	}
	return len(p), nil
}

// text is the screen's lines, trailing blanks and an empty last line cut.
func (s *screen) text() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, l := range s.lines {
		out = append(out, strings.TrimRight(string(l), " "))
	}
	if n := len(out); n > 0 && out[n-1] == "" {
		out = out[:n-1]
	}
	return out
}

func fakeTerminal(c *clock, cols int) (*screen, *Board) {
	on := true
	s := &screen{}
	return s, NewBoard(s, Options{TTY: &on, Now: c.now, Width: func() int { return cols }})
}

// TestStatus: the numbers a line shows, rate and ETA from the elapsed time.
func TestStatus(t *testing.T) {
	for _, tc := range []struct {
		name    string
		total   int64
		done    int64
		elapsed time.Duration
		note    string
		want    string
	}{
		{"quarter", 100, 25, 5 * time.Second, "", "25/100 items (25%), 5.0 items/s, ETA 15s"},
		{"nothing yet", 100, 0, 5 * time.Second, "", "0/100 items (0%)"},
		{"no time yet", 100, 50, 0, "", "50/100 items (50%)"},
		{"done: no ETA", 100, 100, 4 * time.Second, "", "100/100 items (100%), 25.0 items/s"},
		{"long ETA", 1000, 10, time.Minute, "", "10/1000 items (1%), 0.2 items/s, ETA 1h39m"},
		{"unknown total", -1, 40, 4 * time.Second, "", "40 items, 10.0 items/s"},
		{"past the total", 10, 12, 2 * time.Second, "", "12/10 items (100%), 6.0 items/s"},
		{"note", 10, 5, 5 * time.Second, "loss 0.41", "5/10 items (50%), 1.0 items/s, ETA 5s; loss 0.41"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &clock{t: time.Unix(0, 0)}
			off := false
			bar := New(&strings.Builder{}, "x", tc.total, Options{TTY: &off, Now: c.now})
			bar.done, bar.note = tc.done, tc.note
			if got := bar.status(c.t.Add(tc.elapsed)); got != tc.want {
				t.Errorf("status = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestBarCells: the bar fills in proportion, with a head while it is not full.
func TestBarCells(t *testing.T) {
	for _, tc := range []struct {
		total, done int64
		want        string
	}{
		{4, 0, "[                        ]"},
		{4, 1, "[=====>                  ]"},
		{4, 2, "[===========>            ]"},
		{4, 4, "[========================]"},
		{4, 9, "[========================]"},
		{-1, 7, "[                        ]"},
	} {
		c := &clock{t: time.Unix(0, 0)}
		off := false
		bar := New(&strings.Builder{}, "wemath", tc.total, Options{TTY: &off, Now: c.now})
		bar.done = tc.done
		line := bar.line(c.t, 0)
		if !strings.HasPrefix(line, "wemath     "+tc.want+" ") {
			t.Errorf("%d/%d: %q, want the bar %q after the name padded to 10", tc.done, tc.total, line, tc.want)
		}
	}
}

// TestBoardTerminal: one redrawn line per running task, below the log
// lines; a finished or failed task leaves its closing line above them.
func TestBoardTerminal(t *testing.T) {
	c := &clock{t: time.Unix(0, 0)}
	s, d := fakeTerminal(c, 200)
	a := d.Start("grpo/grpo", "steps", 100)
	b := d.Start("base / chance / mathvista", "", 40)
	d.Printf("harness: stage sft/sft: cached")
	c.t = c.t.Add(10 * time.Second)
	a.Set(25)
	c.t = c.t.Add(100 * time.Millisecond) // the next redraw: both lines
	b.Set(10)
	want := []string{
		"harness: stage sft/sft: cached",
		"grpo/grpo                 [=====>                  ] 25/100 steps (25%), 2.5 steps/s, ETA 30s",
		"base / chance / mathvista [=====>                  ] 10/40 items (25%), 1.0 items/s, ETA 30s",
	}
	if diff := cmp.Diff(want, s.text()); diff != "" {
		t.Fatalf("two running tasks (-want +got):\n%s", diff)
	}
	c.t = c.t.Add(10 * time.Second)
	a.Finish("FAILED: trainer exited")
	b.Set(40)
	want = []string{
		"harness: stage sft/sft: cached",
		"grpo/grpo: 25/100 steps in 20s, FAILED: trainer exited",
		"base / chance / mathvista [========================] 40/40 items (100%), 2.0 items/s",
	}
	if diff := cmp.Diff(want, s.text()); diff != "" {
		t.Fatalf("one failed (-want +got):\n%s", diff)
	}
	b.Finish("answered")
	d.Printf("harness: done")
	d.Close()
	want = []string{
		"harness: stage sft/sft: cached",
		"grpo/grpo: 25/100 steps in 20s, FAILED: trainer exited",
		"base / chance / mathvista: 40/40 items in 20s, answered",
		"harness: done",
	}
	if diff := cmp.Diff(want, s.text()); diff != "" {
		t.Errorf("all finished (-want +got):\n%s", diff)
	}
	if s.row != len(want) || s.col != 0 {
		t.Errorf("cursor at %d:%d, want a fresh line below the log", s.row, s.col)
	}
}

// TestBoardTerminalRateAndWidth: redraws are at most one per 100 ms except
// at a task's end, and a line never reaches the last column (it would wrap).
func TestBoardTerminalRateAndWidth(t *testing.T) {
	c := &clock{t: time.Unix(0, 0)}
	s, d := fakeTerminal(c, 40)
	bar := d.Start("a rather long benchmark name", "", 1000)
	start := s.redrawn
	for i := int64(1); i <= 1000; i++ {
		c.t = c.t.Add(time.Millisecond)
		bar.Set(i)
	}
	if n := s.redrawn - start; n != 10 {
		t.Errorf("%d redraws in 1 s of updates, want 10", n)
	}
	if s.maxColumn > 39 {
		t.Errorf("a line reached column %d of 40", s.maxColumn)
	}
	if got := s.text(); len(got) != 1 || !strings.HasSuffix(got[0], "…") {
		t.Errorf("clipped line: %q", got)
	}
	d.Close()
	if got := s.text(); len(got) != 1 || !strings.Contains(got[0], "1000/1000 items in 1s, stopped") {
		t.Errorf("Close: %q", got)
	}
}

// TestBoardPlain: off a terminal, bars and log lines are plain lines, and a
// logger's writes become whole lines.
func TestBoardPlain(t *testing.T) {
	c := &clock{t: time.Unix(0, 0)}
	var out strings.Builder
	off := false
	d := NewBoard(&out, Options{TTY: &off, Now: c.now})
	a := d.Start("sft/sft", "steps", 10)
	b := d.Start("base / tiny / wemath", "", 0)
	d.Printf("harness: model tiny ready\n")
	fmt.Fprint(d, "2026-12-02T10:00:00Z [WARN] half ")
	fmt.Fprint(d, "a line\nnext\n")
	c.t = c.t.Add(2 * time.Second)
	a.Set(5)
	b.Set(3)
	a.Finish("loss 0.5")
	d.Close()
	want := []string{
		"sft/sft: started, 10 steps",
		"base / tiny / wemath: started",
		"harness: model tiny ready",
		"2026-12-02T10:00:00Z [WARN] half a line",
		"next",
		"sft/sft: 5/10 steps (50%), 2.5 steps/s, ETA 2s",
		"base / tiny / wemath: 3 items, 1.5 items/s",
		"sft/sft: 5/10 steps in 2s, loss 0.5",
		"base / tiny / wemath: 3 items in 2s, stopped",
	}
	if diff := cmp.Diff(want, strings.Split(strings.TrimSpace(out.String()), "\n")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestBoardConcurrent (run with -race): tasks reporting from many
// goroutines at once each end with their own closing line, and the
// terminal is left with no bar on it.
func TestBoardConcurrent(t *testing.T) {
	for _, tty := range []bool{true, false} {
		s := &screen{}
		d := NewBoard(s, Options{TTY: &tty, Width: func() int { return 120 }})
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				bar := d.Start(fmt.Sprintf("task %d", i), "", 200)
				for j := int64(1); j <= 200; j++ {
					bar.Set(j)
					if j%50 == 0 {
						d.Printf("task %d at %d", i, j)
					}
				}
				bar.Finish("done")
			}()
		}
		wg.Wait()
		d.Close()
		finished := 0
		for _, l := range s.text() {
			if strings.HasSuffix(l, "200/200 items in 0s, done") {
				finished++
			}
			if strings.Contains(l, "[") {
				t.Errorf("tty %v: a bar is left on the screen: %q", tty, l)
			}
		}
		if finished != 8 {
			t.Errorf("tty %v: %d closing lines, want 8:\n%s", tty, finished, strings.Join(s.text(), "\n"))
		}
	}
}
