package progress

import (
	"strings"
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
	if !strings.Contains(s, "\rwemath: 4/4 items in 4s") {
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
