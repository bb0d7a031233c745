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

// memoryWatchInterval is how often the watchdog reads the heap size.
const memoryWatchInterval = 20 * time.Millisecond

// watchMemory cancels the run when the process's heap passes limit bytes,
// with ErrMemoryLimit as the cause. It also sets the runtime's soft memory
// limit, so that the collector works hard before the watchdog has to stop
// the script. It returns a function that stops watching.
func watchMemory(ctx context.Context, cancel context.CancelCauseFunc, limit int64) (stop func()) {
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
			case <-ctx.Done():
				return
			case <-t.C:
				// ReadMemStats stops the world for microseconds; at this
				// rate that is noise, and it keeps runtime/metrics (and
				// its start-up cost) out of every run.
				runtime.ReadMemStats(&ms)
				if used := int64(ms.HeapAlloc); used > limit {
					cancel(fmt.Errorf("%w: %s in use, limit %s", ErrMemoryLimit, FormatBytes(used), FormatBytes(limit)))
					return
				}
			}
		}
	}()
	return func() {
		close(done)
		debug.SetMemoryLimit(prev)
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
