// Package termbar draws a one-line progress bar on a terminal:
//
//	import  45% |#########           | 450/1000 rows, 1200 rows/s
//
// redrawn in place at most every 100ms and cleared when the work is done.
// It replaces a third-party bar whose package initialisation cost every
// start of the program, bars or not.
package termbar

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// width is the number of cells of the bar itself.
const width = 20

// throttle is the least time between two redraws (the last one is always
// drawn).
const throttle = 100 * time.Millisecond

// Bar is a progress bar. It is safe for concurrent use.
type Bar struct {
	mu       sync.Mutex
	w        io.Writer
	op, unit string
	total    int
	done     int
	start    time.Time
	drawn    time.Time // last redraw; zero: never drawn
	lastLen  int       // length of the last line drawn, to clear it
	finished bool
	now      func() time.Time
}

// New returns a bar for total units of work named op ("import"), counted
// in unit ("rows"), drawn on w.
func New(w io.Writer, op string, total int, unit string) *Bar {
	return newBar(w, op, total, unit, time.Now)
}

func newBar(w io.Writer, op string, total int, unit string, now func() time.Time) *Bar {
	return &Bar{w: w, op: op, unit: unit, total: total, start: now(), now: now}
}

// Add counts n more units done and redraws the bar if it is due.
func (b *Bar) Add(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.finished {
		return
	}
	b.done += n
	t := b.now()
	if b.drawn.IsZero() || t.Sub(b.drawn) >= throttle || b.done >= b.total {
		b.draw(t)
	}
}

// Finish clears the bar's line; later Adds draw nothing.
func (b *Bar) Finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.finished {
		return
	}
	b.finished = true
	if b.lastLen > 0 {
		fmt.Fprint(b.w, "\r"+strings.Repeat(" ", b.lastLen)+"\r")
	}
}

func (b *Bar) draw(t time.Time) {
	b.drawn = t
	pct := 100
	if b.total > 0 {
		pct = min(100, b.done*100/b.total)
	}
	filled := pct * width / 100
	line := fmt.Sprintf("%s %3d%% |%s%s| %d/%d %s", b.op, pct,
		strings.Repeat("#", filled), strings.Repeat(" ", width-filled), b.done, b.total, b.unit)
	if secs := t.Sub(b.start).Seconds(); secs > 0 {
		line += fmt.Sprintf(", %.0f %s/s", float64(b.done)/secs, b.unit)
	}
	pad := ""
	if len(line) < b.lastLen { // a shorter line must cover the longer one
		pad = strings.Repeat(" ", b.lastLen-len(line))
	}
	fmt.Fprint(b.w, "\r"+line+pad)
	b.lastLen = len(line) + len(pad)
}
