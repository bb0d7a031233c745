package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"time"
)

// ErrMemoryLimit is the cause of a run stopped by Options.MaxMemory.
var ErrMemoryLimit = errors.New("heap passed the memory limit")

// ExitError is a run ended by the script's os.exit(Code).
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return fmt.Sprintf("os.exit(%d)", e.Code) }

// memoryWatchInterval is how often the watchdog reads the heap size.
const memoryWatchInterval = 20 * time.Millisecond

// StopGrace is how long a stopped run (by its context or the memory
// limit) may take to end before Options.HardStop is called. Lua code
// stops at its next instruction; only a Go built-in (a string.gsub over
// megabytes, a long sort) can take longer.
const StopGrace = 500 * time.Millisecond

// DefaultMaxString is the largest string string.rep makes when no memory
// limit is set; with one, the limit is the bound.
const DefaultMaxString = 1 << 30

// WatchHeap sets the runtime's soft memory limit to limit, so that the
// collector works hard before a watchdog has to act, and calls check with
// the bytes of heap in use every memoryWatchInterval until check returns
// true or stop is called; stop also restores the previous soft limit.
// ReadMemStats stops the world for microseconds; at this rate that is
// noise, and it keeps runtime/metrics (and its start-up cost) out of every
// run.
func WatchHeap(limit int64, check func(used int64) (done bool)) (stop func()) {
	prev := debug.SetMemoryLimit(limit)
	done := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		t := time.NewTicker(memoryWatchInterval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			runtime.ReadMemStats(&ms)
			if check(int64(ms.HeapAlloc)) {
				return
			}
		}
	}()
	return func() {
		close(done)
		debug.SetMemoryLimit(prev)
	}
}

// watchMemory cancels the run when the process's heap passes limit bytes,
// with ErrMemoryLimit as the cause (see WatchHeap). After the cancellation
// it keeps watching: when hardStop is set and the heap goes on growing to
// half as much again (a Go built-in that allocates does not see the
// cancellation), it calls hardStop at once, without waiting for
// StopGrace. It returns a function that stops watching.
func watchMemory(ctx context.Context, cancel context.CancelCauseFunc, limit int64, hardStop func(error)) (stop func()) {
	var stopped error
	return WatchHeap(limit, func(used int64) bool {
		switch {
		case stopped == nil && used > limit:
			stopped = fmt.Errorf("%w: %s in use, limit %s", ErrMemoryLimit, FormatBytes(used), FormatBytes(limit))
			cancel(stopped)
			return hardStop == nil
		case stopped != nil && used > limit+limit/2:
			hardStop(fmt.Errorf("%w: %w", ErrInterrupted, stopped))
			return true
		case stopped == nil && ctx.Err() != nil:
			return true
		}
		return false
	})
}

// enforceStop calls hardStop when ctx ends and the run has not returned
// (closed done) within StopGrace.
func enforceStop(ctx context.Context, done <-chan struct{}, hardStop func(error)) {
	select {
	case <-done:
		return
	case <-ctx.Done():
	}
	t := time.NewTimer(StopGrace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		hardStop(fmt.Errorf("%w: %w", ErrInterrupted, context.Cause(ctx)))
	}
}

// FormatBytes prints a byte count in binary units ("256MiB").
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%dB", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.4g%ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
