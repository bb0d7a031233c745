package watch

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/clickscript/clickscript/internal/printable"
)

// runResult is a finished run.
type runResult struct {
	n    int
	ev   Event
	wait time.Duration // from the first change it answers to its start; 0 for the initial run
	took time.Duration
	err  error
	own  map[string]ownState // what the paths it wrote hold after it
}

// loop is the state of one Run: the function to call, the debounce timer
// and the run in flight.
type loop struct {
	w       *Watcher
	ctx     context.Context
	run     func(context.Context, Event) error
	timer   *time.Timer
	done    chan runResult
	n       int  // runs started
	running bool // a run is in flight
}

// Run watches until ctx is done, calling run with a context derived from
// ctx and the Event that triggered it, one call at a time. A run that
// fails is reported to Log and the watch goes on. When ctx is done, a run
// in flight is cancelled and waited for (and reported as interrupted), and
// Run returns nil. Run returns an error only if the watch itself fails.
// It closes the Watcher.
func (w *Watcher) Run(ctx context.Context, run func(context.Context, Event) error) error {
	defer w.Close()
	l := &loop{w: w, ctx: ctx, run: run, timer: time.NewTimer(time.Hour), done: make(chan runResult, 1)}
	l.timer.Stop()
	w.greet()
	if w.opts.Initial {
		l.start(Event{Paths: []string{}, Changes: []Change{}, Time: time.Now(), Initial: true}, time.Time{})
	}
	for {
		select {
		case <-ctx.Done():
			l.timer.Stop()
			if l.running {
				w.report(<-l.done, true)
			}
			return nil
		case ev, ok := <-w.fw.Events:
			if !ok {
				return errors.New("watch: the file watcher stopped")
			}
			w.handle(ctx, ev)
			l.arm()
		case err, ok := <-w.fw.Errors:
			if !ok {
				return errors.New("watch: the file watcher stopped")
			}
			l.fsnotifyError(err)
		case <-l.timer.C:
			l.fire()
		case r := <-l.done:
			l.finish(r)
		}
	}
}

// greet says what is watched, and which targets match nothing yet.
func (w *Watcher) greet() {
	names := make([]string, len(w.targets))
	for i, t := range w.targets {
		names[i] = t.given
	}
	fmt.Fprintf(w.log, "watching %s (Ctrl-C to stop)\n", strings.Join(names, ", "))
	for _, m := range w.missing() {
		fmt.Fprintln(w.log, m)
	}
}

// start starts a run for ev in its own goroutine; first is when the first
// change it answers came (zero for the initial run).
func (l *loop) start(ev Event, first time.Time) {
	l.n++
	l.running = true
	l.w.beginOwn()
	go func(n int, ev Event) {
		t0 := time.Now()
		var wait time.Duration
		if !first.IsZero() {
			wait = t0.Sub(first)
		}
		err := safeRun(l.ctx, l.run, ev)
		took := time.Since(t0)
		l.done <- runResult{n: n, ev: ev, wait: wait, took: took, err: err, own: l.w.endOwn(l.ctx)}
	}(l.n, ev)
}

// arm sets the timer for the pending changes: a debounce period after the
// newest, but no later than MaxWait after the oldest.
func (l *loop) arm() {
	w := l.w
	if len(w.pending) == 0 {
		return
	}
	at := w.last.Add(w.opts.Debounce)
	if limit := w.first.Add(w.opts.MaxWait); limit.Before(at) {
		at = limit
	}
	l.timer.Reset(time.Until(at))
}

// fire starts a run for the pending changes that the timer says have
// settled, unless a run is in flight: its end arms the timer again, and
// the changes it made itself are known by then.
func (l *loop) fire() {
	if l.running {
		return
	}
	first := l.w.first
	if changes := l.w.flush(l.ctx); len(changes) > 0 {
		l.start(newEvent(changes, time.Now()), first)
	}
}

// finish takes a run's end: what it wrote becomes the baseline, its
// summary is written, and changes that came meanwhile get their run.
func (l *loop) finish(r runResult) {
	l.running = false
	l.w.adopt(r.own)
	l.w.report(r, l.ctx.Err() != nil)
	l.arm()
}

// fsnotifyError reports an error of fsnotify; after lost events, every
// watched path is checked.
func (l *loop) fsnotifyError(err error) {
	w := l.w
	if errors.Is(err, fsnotify.ErrEventOverflow) {
		fmt.Fprintln(w.log, "too many changes at once: checking every watched path")
		w.rescan(l.ctx)
		l.arm()
		return
	}
	fmt.Fprintf(w.log, "watch: %v\n", err)
}

// safeRun calls run, turning a panic into an error so that the watch goes on.
func safeRun(ctx context.Context, run func(context.Context, Event) error, ev Event) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return run(ctx, ev)
}

// handle takes one fsnotify event: it keeps the directory watches up to
// date and notes changes to watched paths.
func (w *Watcher) handle(ctx context.Context, ev fsnotify.Event) {
	p := filepath.Clean(ev.Name)
	if ev.Op == fsnotify.Chmod && !w.opts.OnTouch {
		return
	}
	var dirGone bool
	if ev.Op.Has(fsnotify.Remove) || ev.Op.Has(fsnotify.Rename) {
		dirGone = w.unwatch(p)
	}
	if ev.Op.Has(fsnotify.Create) && w.wantsDir(p) {
		w.dirCreated(ctx, p)
	}
	if dirGone || w.matches(p) {
		w.note(p, ev.Op)
	}
}

// dirCreated watches p, when it is a directory that was created or came
// back, and what is below it.
func (w *Watcher) dirCreated(ctx context.Context, p string) {
	if isDir, err := statDir(p); err != nil || !isDir {
		return
	}
	back := w.gone[p]
	delete(w.gone, p)
	if err := w.addTree(ctx, []dirAt{{p, max(w.depthOf(p), 0)}}, false); err != nil {
		if ctx.Err() == nil {
			fmt.Fprintf(w.log, "%v\n", err)
		}
	} else if back {
		fmt.Fprintf(w.log, "directory %s is back: watching it again\n", w.display(p))
	}
}

// rescan notes every known and every matching path as changed, after
// fsnotify lost events.
func (w *Watcher) rescan(ctx context.Context) {
	for p := range w.state {
		w.note(p, fsnotify.Write)
	}
	var dirs []dirAt
	for _, t := range w.targets {
		if isDir, err := statDir(t.path); err == nil && isDir {
			dirs = append(dirs, dirAt{t.path, 0})
		} else if err == nil && t.glob == "" {
			w.note(t.path, fsnotify.Write)
		}
	}
	if err := w.addTree(ctx, dirs, false); err != nil && ctx.Err() == nil {
		fmt.Fprintf(w.log, "%v\n", err)
	}
}

// report writes a run's summary line: "run 3: data/members.csv (write):
// ok in 42ms (started 130ms after the first change)", "... failed in
// 3ms (...): sync.lua:7: ..." (an error of several lines, as a script's
// with its traceback, goes on the next lines) or "... interrupted after
// 1.2s" (a run that ended with the context's cancellation while the watch
// stops). The initial run has no "started" part.
func (w *Watcher) report(r runResult, stopping bool) {
	took := formatDuration(r.took)
	head := fmt.Sprintf("run %d: %s:", r.n, r.ev)
	var waited string
	if !r.ev.Initial {
		waited = fmt.Sprintf(" (started %s after the first change)", formatDuration(r.wait))
	}
	switch {
	case r.err == nil:
		fmt.Fprintf(w.log, "%s ok in %s%s\n", head, took, waited)
	case stopping && errors.Is(r.err, context.Canceled):
		fmt.Fprintf(w.log, "%s interrupted after %s%s\n", head, took, waited)
	default:
		// The error may quote the agent or a script: its control
		// characters, but for newlines and tabs, are shown escaped.
		fmt.Fprintf(w.log, "%s failed in %s%s: %s\n", head, took, waited, printable.Message(r.err.Error()))
	}
}

// formatDuration keeps durations short: 0.4ms, 3.2ms, 42ms, 1.2s.
func formatDuration(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case ms >= 10:
		return fmt.Sprintf("%.0fms", ms)
	}
	return fmt.Sprintf("%.1fms", ms)
}
