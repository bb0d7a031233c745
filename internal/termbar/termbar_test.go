package termbar

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a fake time source the test moves by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func frames(out string) []string         { return strings.Split(strings.TrimPrefix(out, "\r"), "\r") }
func last(out string) string             { f := frames(out); return f[len(f)-1] }
func newTestBar(total int) (*Bar, *strings.Builder, *clock) {
	var out strings.Builder
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	return newBar(&out, "import", total, "rows", c.now), &out, c
}

func TestBarDrawsThrottlesAndClears(t *testing.T) {
	b, out, c := newTestBar(1000)
	c.advance(time.Second)
	b.Add(450) // the first Add draws at once
	if got := last(out.String()); got != "import  45% |#########           | 450/1000 rows, 450 rows/s" {
		t.Fatalf("first frame %q", got)
	}
	c.advance(50 * time.Millisecond)
	b.Add(50) // within the throttle: nothing drawn
	if n := len(frames(out.String())); n != 1 {
		t.Fatalf("%d frames after an Add within 100ms, want 1: %q", n, out.String())
	}
	c.advance(50 * time.Millisecond)
	b.Add(100) // 100ms after the last frame: drawn
	if got := last(out.String()); got != "import  60% |############        | 600/1000 rows, 545 rows/s" {
		t.Fatalf("second frame %q", got)
	}
	b.Add(400) // the last unit is always drawn, throttle or not
	if got := last(out.String()); got != "import 100% |####################| 1000/1000 rows, 909 rows/s" {
		t.Fatalf("final frame %q", got)
	}
	n := len(out.String())
	b.Finish()
	if got := out.String()[n:]; got != "\r"+strings.Repeat(" ", len("import 100% |####################| 1000/1000 rows, 909 rows/s"))+"\r" {
		t.Fatalf("Finish wrote %q, want the line cleared", got)
	}
	b.Add(1)
	b.Finish()
	if len(out.String()) != n+len("import 100% |####################| 1000/1000 rows, 909 rows/s")+2 {
		t.Errorf("wrote after Finish: %q", out.String()[n:])
	}
}

// A shorter frame covers what remains of a longer one.
func TestBarCoversALongerLine(t *testing.T) {
	b, out, c := newTestBar(10)
	c.advance(time.Millisecond)
	b.Add(1) // "…, 1000 rows/s"
	c.advance(time.Second)
	b.Add(1) // "…, 2 rows/s": three characters shorter
	f := frames(out.String())
	if len(f) != 2 || len(f[1]) != len(f[0]) || !strings.HasSuffix(f[1], "2 rows/s   ") {
		t.Errorf("frames %q: want the second padded to the first's length", f)
	}
}

func TestBarWithNothingToDo(t *testing.T) {
	b, out, _ := newTestBar(0)
	b.Add(0)
	if got := last(out.String()); got != "import 100% |####################| 0/0 rows" {
		t.Errorf("empty bar %q", got)
	}
	var quiet strings.Builder
	New(&quiet, "x", 5, "rows").Finish() // never drawn: nothing to clear
	if quiet.String() != "" {
		t.Errorf("a bar never drawn wrote %q on Finish", quiet.String())
	}
}

// Bulk writes report progress from several goroutines.
func TestBarCountsConcurrentAdds(t *testing.T) {
	var out strings.Builder
	b := New(&out, "sync", 4000, "rows")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 1000 {
				b.Add(1)
			}
		})
	}
	wg.Wait()
	if got := last(out.String()); !strings.HasPrefix(got, "sync 100% |####################| 4000/4000 rows") {
		t.Errorf("after concurrent adds %q", got)
	}
}
