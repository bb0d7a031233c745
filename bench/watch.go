package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/clickscript/clickscript/watch"
)

// watchSaves is how many saves watchLatency times.
const watchSaves = 100

// watchLatency times save -> run start in watch mode: a watch.Watcher
// in process, with the default debounce, watching one file; each sample is
// the time from the end of a write (os.WriteFile) to the run function being
// entered. The debounce is part of it by design, so the goal is a p95
// under the debounce plus 50ms.
func watchLatency(e *env) error {
	dir := filepath.Join(e.dir, "watch")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	file := filepath.Join(dir, "members.csv")
	if err := os.WriteFile(file, []byte("username\n"), 0o644); err != nil {
		return err
	}
	debounce := watch.DefaultDebounce
	w, err := watch.New(context.Background(), watch.Options{Patterns: []string{file}, Debounce: debounce})
	if err != nil {
		return err
	}
	entered := make(chan time.Time, 1)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		errc <- w.Run(ctx, func(context.Context, watch.Event) error {
			entered <- time.Now()
			return nil
		})
	}()
	var lat []time.Duration
	for i := range watchSaves {
		content := fmt.Appendf(nil, "username\nuser%d@example.com\n", i)
		if err := os.WriteFile(file, content, 0o644); err != nil {
			cancel()
			return err
		}
		saved := time.Now()
		select {
		case at := <-entered:
			lat = append(lat, at.Sub(saved))
		case <-time.After(5 * time.Second):
			cancel()
			return fmt.Errorf("save %d: no run within 5s", i+1)
		}
		// Let the run return before the next save, so that each save is
		// a burst of its own rather than a queued re-run.
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-errc; err != nil {
		return err
	}
	slices.Sort(lat)
	p50, p95 := lat[len(lat)*50/100], lat[len(lat)*95/100]
	goal := debounce + 50*time.Millisecond
	verdict := "met"
	if p95 >= goal {
		verdict = "missed"
	}
	fmt.Printf("| save -> run start, %d saves, debounce %v | p50 | p95 | max |\n|---|---|---|---|\n", watchSaves, debounce)
	fmt.Printf("| in-process Watcher | %v | %v | %v |\n", watchRound(p50), watchRound(p95), watchRound(lat[len(lat)-1]))
	fmt.Printf("p95 - debounce = %v (goal: p95 under debounce + 50ms = %v: %s)\n", watchRound(p95-debounce), goal, verdict)
	return nil
}

func watchRound(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }
