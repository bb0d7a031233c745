package watch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

func TestWatchIgnoresTheRunsOwnWrites(t *testing.T) {
	for _, onTouch := range []bool{false, true} {
		t.Run(fmt.Sprintf("on-touch=%v", onTouch), func(t *testing.T) {
			dir := t.TempDir()
			f, gone := filepath.Join(dir, "members.csv"), filepath.Join(dir, "old.csv")
			write(t, f, "start\n")
			write(t, gone, "old\n")
			rec := newRecorder()
			var w *Watcher
			ready := make(chan struct{})
			// Each run rewrites the file it watches, as a script that
			// normalises its input does, and removes another; the first
			// also creates a file the glob matches.
			rec.body = func(ctx context.Context, ev Event) error {
				<-ready
				write(t, f, fmt.Sprintf("written by run %d\n", rec.count()))
				w.Wrote(f)
				if ev.Initial {
					nf := filepath.Join(dir, "new.csv")
					write(t, nf, "new\n")
					w.Wrote(nf)
					if err := os.Remove(gone); err != nil {
						return err
					}
					w.Wrote(gone)
					// The run goes on for many debounce periods after
					// its writes, so that their events come while it
					// runs. (A negative check: no sign shows that the
					// watcher holds them until the run ends.)
					time.Sleep(settleTime)
				}
				return nil
			}
			w, log, _ := startWatcher(t, Options{Patterns: []string{filepath.Join(dir, "*.csv")}, Initial: true, OnTouch: onTouch}, rec.run)
			close(ready)
			waitLog(t, log, "run 1: initial: ok")
			rec.settle(t, 1)
			// A change from outside after the run still counts, and the
			// run it makes writes the file again without a third.
			write(t, f, "edited\n")
			rec.waitRuns(t, 2)
			wantChanges(t, rec.event(1), Change{f, ChangeWrite})
			waitLog(t, log, "run 2: ")
			rec.settle(t, 2)
		})
	}
}

func TestWatchUnreportedWritesCount(t *testing.T) {
	// The counterpart: a run that writes its input without saying so
	// runs again.
	f := filepath.Join(t.TempDir(), "members.csv")
	write(t, f, "start\n")
	rec := newRecorder()
	rec.body = func(ctx context.Context, ev Event) error {
		if ev.Initial {
			write(t, f, "written by the run\n")
		}
		return nil
	}
	startWatch(t, Options{Patterns: []string{f}, Initial: true}, rec.run)
	rec.waitRuns(t, 2)
	wantChanges(t, rec.event(1), Change{f, ChangeWrite})
}

func TestWatchOwnWriteThenOutsideChange(t *testing.T) {
	// A run writes the file; another program changes it after the run
	// and before the next flush: the next run sees the change.
	f := filepath.Join(t.TempDir(), "members.csv")
	write(t, f, "start\n")
	rec := newRecorder()
	var w *Watcher
	ready := make(chan struct{})
	rec.body = func(ctx context.Context, ev Event) error {
		<-ready
		if ev.Initial {
			write(t, f, "written by the run\n")
			w.Wrote(f)
		}
		return nil
	}
	w, log, _ := startWatcher(t, Options{Patterns: []string{f}, Initial: true, Debounce: 300 * time.Millisecond}, rec.run)
	close(ready)
	waitLog(t, log, "run 1: initial: ok")
	write(t, f, "changed by someone else\n")
	rec.waitRuns(t, 2)
	wantChanges(t, rec.event(1), Change{f, ChangeWrite})
}

func TestWatchMaxWaitUnderEndlessChanges(t *testing.T) {
	// Saves come every 20ms, far under the debounce period, until the
	// first run starts: only MaxWait can start it.
	f := filepath.Join(t.TempDir(), "members.csv")
	write(t, f, "0\n")
	rec := newRecorder()
	log, _ := startWatch(t, Options{Patterns: []string{f}, Debounce: 500 * time.Millisecond, MaxWait: 800 * time.Millisecond}, rec.run)
	waitLog(t, log, "watching ")
	stop := make(chan struct{})
	saved := make(chan int)
	go func() {
		n := 0
		defer func() { saved <- n }()
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond): // spaces the saves: it waits for nothing
			}
			n++
			if err := os.WriteFile(f, fmt.Appendf(nil, "%d\n", n), 0o644); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	rec.waitRuns(t, 1)
	close(stop)
	t.Logf("%d saves before the first run", <-saved)
	wantChanges(t, rec.event(0), Change{f, ChangeWrite})
	waitLog(t, log, "run 1: ")
	line := regexp.MustCompile(`run 1: \S+ \(write\): ok in [0-9.]+m?s \(started [0-9.]+m?s after the first change\)\n`)
	if !line.MatchString(log.String()) {
		t.Errorf("no run line with the wait in:\n%s", log)
	}
}
