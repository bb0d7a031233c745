package watch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The tests below drive a real Watcher with real files. They never assert
// how fast anything is, only how many runs happen: they wait for a sign (a
// run starting or ending, a log line) with a generous deadline. Only the
// checks that nothing happens wait a fixed time (settleTime): no sign can
// say that a run will never come, so they give the watcher many debounce
// periods to start one wrongly.

const (
	testDebounce = 50 * time.Millisecond
	waitLong     = 10 * time.Second       // for a run that must come
	settleTime   = 700 * time.Millisecond // for runs that must not come: 14 debounce periods
)

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// recorder is a run function that records its events and how many runs
// were in flight at once.
type recorder struct {
	mu      sync.Mutex
	events  []Event
	starts  []time.Time
	cur     atomic.Int32
	maxCur  atomic.Int32
	started chan int // the run's number, 1-based, when it starts
	ended   chan int // the run's number when its body has returned
	body    func(ctx context.Context, ev Event) error
}

func newRecorder() *recorder {
	return &recorder{started: make(chan int, 1000), ended: make(chan int, 1000)}
}

func (r *recorder) run(ctx context.Context, ev Event) error {
	c := r.cur.Add(1)
	defer r.cur.Add(-1)
	for {
		m := r.maxCur.Load()
		if c <= m || r.maxCur.CompareAndSwap(m, c) {
			break
		}
	}
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.starts = append(r.starts, time.Now())
	n := len(r.events)
	r.mu.Unlock()
	r.started <- n
	defer func() { r.ended <- n }()
	if r.body != nil {
		return r.body(ctx, ev)
	}
	return nil
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

func (r *recorder) event(i int) Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.events[i]
}

// waitRuns waits until n runs have started.
func (r *recorder) waitRuns(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(waitLong)
	for r.count() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d runs after %v, want %d", r.count(), waitLong, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// settle waits for runs that should not come, then checks there are n.
// (A negative check: see settleTime.)
func (r *recorder) settle(t *testing.T, n int) {
	t.Helper()
	time.Sleep(settleTime)
	if got := r.count(); got != n {
		t.Fatalf("%d runs, want %d; events: %+v", got, n, r.all())
	}
}

func (r *recorder) all() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// startWatch starts a Watcher with opts running fn; the test's cleanup
// stops it and checks that Run returned nil.
func startWatch(t *testing.T, opts Options, fn func(context.Context, Event) error) (*syncBuffer, context.CancelFunc) {
	t.Helper()
	_, log, stop := startWatcher(t, opts, fn)
	return log, stop
}

// startWatcher is startWatch that returns the Watcher too.
func startWatcher(t *testing.T, opts Options, fn func(context.Context, Event) error) (*Watcher, *syncBuffer, context.CancelFunc) {
	t.Helper()
	log := &syncBuffer{}
	opts.Log = log
	if opts.Debounce == 0 {
		opts.Debounce = testDebounce
	}
	w, err := New(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- w.Run(ctx, fn) }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-errc:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(waitLong):
			t.Errorf("Run did not return after cancel")
		}
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("watch log:\n%s", log.String())
		}
	})
	return w, log, stop
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func wantChanges(t *testing.T, ev Event, want ...Change) {
	t.Helper()
	if !slices.Equal(ev.Changes, want) {
		t.Errorf("changes %+v, want %+v", ev.Changes, want)
	}
	var paths []string
	for _, c := range want {
		paths = append(paths, c.Path)
	}
	if !slices.Equal(ev.Paths, paths) {
		t.Errorf("paths %q, want %q", ev.Paths, paths)
	}
	if ev.Initial || ev.Time.IsZero() {
		t.Errorf("initial %v, time %v", ev.Initial, ev.Time)
	}
}

func TestWatchBurstIsAtMostTwoRuns(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "members.csv")
	write(t, f, "start\n")
	rec := newRecorder()
	startWatch(t, Options{Patterns: []string{f}, Debounce: 100 * time.Millisecond}, rec.run)
	start := time.Now()
	for i := range 200 {
		write(t, f, fmt.Sprintf("save %d\n", i))
	}
	if took := time.Since(start); took > time.Second {
		t.Logf("the burst took %v (meant to be under a second)", took)
	}
	rec.waitRuns(t, 1)
	time.Sleep(settleTime) // a negative check: no third run comes
	if n := rec.count(); n > 2 {
		t.Fatalf("%d runs for a burst of 200 writes, want at most 2", n)
	}
	wantChanges(t, rec.event(rec.count()-1), Change{f, ChangeWrite})
}

func TestWatchRenameOverSaveIsOneRun(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "members.csv")
	write(t, f, "old\n")
	rec := newRecorder()
	startWatch(t, Options{Patterns: []string{f}}, rec.run)
	// What editors do: write a temporary file beside it, rename it over.
	tmp := filepath.Join(dir, ".members.csv.tmp1234")
	write(t, tmp, "new\n")
	if err := os.Rename(tmp, f); err != nil {
		t.Fatal(err)
	}
	rec.waitRuns(t, 1)
	rec.settle(t, 1)
	wantChanges(t, rec.event(0), Change{f, ChangeWrite})
	// And the file is still watched after the rename replaced it.
	write(t, f, "newer\n")
	rec.waitRuns(t, 2)
	wantChanges(t, rec.event(1), Change{f, ChangeWrite})
}

func TestWatchDeleteAndRecreate(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "members.csv")
	write(t, f, "one\n")
	rec := newRecorder()
	startWatch(t, Options{Patterns: []string{f}}, rec.run)
	if err := os.Remove(f); err != nil {
		t.Fatal(err)
	}
	rec.waitRuns(t, 1)
	wantChanges(t, rec.event(0), Change{f, ChangeRemove})
	write(t, f, "one\n") // the same content as before: still a new file
	rec.waitRuns(t, 2)
	wantChanges(t, rec.event(1), Change{f, ChangeCreate})
	write(t, f, "two\n")
	rec.waitRuns(t, 3)
	wantChanges(t, rec.event(2), Change{f, ChangeWrite})
	// Moved away, then back.
	if err := os.Rename(f, filepath.Join(dir, "elsewhere")); err != nil {
		t.Fatal(err)
	}
	rec.waitRuns(t, 4)
	wantChanges(t, rec.event(3), Change{f, ChangeRename})
	rec.settle(t, 4)
}

func TestWatchGlobSeesNewFiles(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(data, "old.csv"), "x\n")
	rec := newRecorder()
	startWatch(t, Options{Patterns: []string{filepath.Join(data, "*.csv")}}, rec.run)
	// Neither a file the glob does not match, nor a hidden one, nor an
	// editor's backup.
	write(t, filepath.Join(data, "notes.txt"), "x\n")
	write(t, filepath.Join(data, ".hidden.csv"), "x\n")
	write(t, filepath.Join(data, "old.csv~"), "x\n")
	rec.settle(t, 0)
	nf := filepath.Join(data, "new.csv")
	write(t, nf, "y\n")
	rec.waitRuns(t, 1)
	wantChanges(t, rec.event(0), Change{nf, ChangeCreate})
	write(t, filepath.Join(data, "old.csv"), "changed\n")
	rec.waitRuns(t, 2)
	wantChanges(t, rec.event(1), Change{filepath.Join(data, "old.csv"), ChangeWrite})
	rec.settle(t, 2)
}

func TestWatchNoOverlapAndOneQueuedRun(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "members.csv")
	write(t, f, "0\n")
	rec := newRecorder()
	// A slow script: each run goes on until the test releases it.
	release := make(chan struct{})
	rec.body = func(ctx context.Context, ev Event) error {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil
	}
	log, _ := startWatch(t, Options{Patterns: []string{f}, Initial: true}, rec.run)
	var lastSave time.Time
	saves := 0
	// Three times: while a run is in progress, keep saving.
	for cycle := 1; cycle <= 3; cycle++ {
		if n := <-rec.started; n != cycle {
			t.Fatalf("run %d started, want run %d", n, cycle)
		}
		for range 8 {
			saves++
			write(t, f, fmt.Sprintf("%d\n", saves))
			time.Sleep(25 * time.Millisecond) // spaces the saves out, as a person would: it waits for nothing
		}
		lastSave = time.Now()
		release <- struct{}{}
	}
	rec.waitRuns(t, 4)
	release <- struct{}{}
	waitLog(t, log, "run 4: ")
	rec.settle(t, 4)
	if m := rec.maxCur.Load(); m != 1 {
		t.Fatalf("%d runs at once, want 1", m)
	}
	rec.mu.Lock()
	after := 0
	for _, s := range rec.starts {
		if s.After(lastSave) {
			after++
		}
	}
	rec.mu.Unlock()
	if after != 1 {
		t.Errorf("%d runs started after the saves stopped, want 1", after)
	}
	if !rec.event(0).Initial || len(rec.event(0).Paths) != 0 {
		t.Errorf("first event %+v, want the initial one", rec.event(0))
	}
	for i := 1; i < 4; i++ {
		wantChanges(t, rec.event(i), Change{f, ChangeWrite})
	}
}

func TestWatchChangesDuringARunAreNet(t *testing.T) {
	// What changed during a run is measured once the run is over: a file
	// created and removed during it is no change, one created and written
	// is a creation, and one written and removed is a removal.
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv"), filepath.Join(dir, "c.csv")
	write(t, c, "c\n")
	rec := newRecorder()
	release := make(chan struct{})
	rec.body = func(ctx context.Context, ev Event) error {
		if ev.Initial {
			<-release
		}
		return nil
	}
	startWatch(t, Options{Patterns: []string{filepath.Join(dir, "*.csv")}, Initial: true}, rec.run)
	rec.waitRuns(t, 1)
	write(t, a, "a\n")
	write(t, b, "b\n")
	write(t, b, "b2\n")
	write(t, c, "c2\n")
	if err := os.Remove(a); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(c); err != nil {
		t.Fatal(err)
	}
	close(release)
	// The kernel queued every event before the run ended, so they most
	// likely make one run; under load they may be split over two. Either
	// way, together they say this, once.
	want := []Change{{b, ChangeCreate}, {c, ChangeRemove}}
	var got []Change
	deadline := time.Now().Add(waitLong)
	for !slices.Equal(got, want) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		got = nil
		for _, ev := range rec.all()[1:] {
			got = append(got, ev.Changes...)
		}
		slices.SortFunc(got, func(x, y Change) int { return strings.Compare(x.Path, y.Path) })
	}
	if !slices.Equal(got, want) {
		t.Fatalf("changes %+v, want %+v", got, want)
	}
	rec.settle(t, rec.count())
	if n := rec.count(); n > 3 {
		t.Errorf("%d runs, want the initial one and at most two for the changes", n)
	}
}

// waitLog waits until the log holds want.
func waitLog(t *testing.T, log *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(waitLong)
	for !strings.Contains(log.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the log after %v:\n%s", want, waitLong, log.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestWatchTouchAndChmod(t *testing.T) {
	touchAll := func(t *testing.T, f string) {
		t.Helper()
		write(t, f, "same\n") // rewritten with the same content
		later := time.Now().Add(time.Hour)
		if err := os.Chtimes(f, later, later); err != nil { // touch
			t.Fatal(err)
		}
	}
	chmod := func(t *testing.T, f string) {
		t.Helper()
		if err := os.Chmod(f, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("default", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "members.csv")
		write(t, f, "same\n")
		rec := newRecorder()
		startWatch(t, Options{Patterns: []string{f}}, rec.run)
		touchAll(t, f)
		chmod(t, f)
		rec.settle(t, 0)
		write(t, f, "different\n")
		rec.waitRuns(t, 1)
		rec.settle(t, 1)
	})
	t.Run("on-touch", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "members.csv")
		write(t, f, "same\n")
		rec := newRecorder()
		startWatch(t, Options{Patterns: []string{f}, OnTouch: true}, rec.run)
		write(t, f, "same\n")
		rec.waitRuns(t, 1)
		wantChanges(t, rec.event(0), Change{f, ChangeWrite})
		later := time.Now().Add(time.Hour)
		if err := os.Chtimes(f, later, later); err != nil {
			t.Fatal(err)
		}
		rec.waitRuns(t, 2)
		rec.settle(t, 2)
		chmod(t, f) // a chmod alone is not a touch
		rec.settle(t, 2)
	})
}

func TestWatchDirectoryComesBack(t *testing.T) {
	for _, glob := range []bool{false, true} {
		t.Run(fmt.Sprintf("glob=%v", glob), func(t *testing.T) {
			dir := t.TempDir()
			d := filepath.Join(dir, "data")
			if err := os.Mkdir(d, 0o755); err != nil {
				t.Fatal(err)
			}
			a := filepath.Join(d, "a.csv")
			write(t, a, "a\n")
			pattern := d
			if glob {
				pattern = filepath.Join(d, "*.csv")
			}
			rec := newRecorder()
			log, _ := startWatch(t, Options{Patterns: []string{pattern}}, rec.run)
			if err := os.RemoveAll(d); err != nil {
				t.Fatal(err)
			}
			rec.waitRuns(t, 1)
			if glob {
				wantChanges(t, rec.event(0), Change{a, ChangeRemove})
			} else {
				wantChanges(t, rec.event(0), Change{d, ChangeRemove}, Change{a, ChangeRemove})
			}
			rec.settle(t, 1)
			if err := os.Mkdir(d, 0o755); err != nil {
				t.Fatal(err)
			}
			b := filepath.Join(d, "b.csv")
			write(t, b, "b\n")
			rec.waitRuns(t, 2)
			// Then it is watched as before.
			write(t, b, "b2\n")
			rec.waitRuns(t, 3)
			wantChanges(t, rec.event(2), Change{b, ChangeWrite})
			var created []string
			for _, ev := range rec.all()[1:2] {
				for _, c := range ev.Changes {
					created = append(created, string(c.Kind)+" "+c.Path)
				}
			}
			want := []string{"create " + b}
			if !glob {
				want = []string{"create " + d, "create " + b}
			}
			if !slices.Equal(created, want) {
				t.Errorf("after the directory came back: %q, want %q", created, want)
			}
			for _, line := range []string{"directory " + d + " disappeared", "directory " + d + " is back"} {
				if !strings.Contains(log.String(), line) {
					t.Errorf("log lacks %q:\n%s", line, log.String())
				}
			}
		})
	}
}

func TestWatchRecursive(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	deep := filepath.Join(sub, "deep.csv")
	write(t, deep, "1\n")
	rec := newRecorder()
	startWatch(t, Options{Patterns: []string{filepath.Join(dir, "*.csv")}, Recursive: true}, rec.run)
	write(t, deep, "2\n")
	rec.waitRuns(t, 1)
	wantChanges(t, rec.event(0), Change{deep, ChangeWrite})
	// A new subdirectory is walked and watched.
	c := filepath.Join(dir, "c")
	if err := os.Mkdir(c, 0o755); err != nil {
		t.Fatal(err)
	}
	nf := filepath.Join(c, "new.csv")
	write(t, nf, "x\n")
	rec.waitRuns(t, 2)
	wantChanges(t, rec.event(1), Change{nf, ChangeCreate})
	write(t, nf, "y\n")
	rec.waitRuns(t, 3)
	// Hidden directories are not.
	git := filepath.Join(dir, ".git")
	if err := os.Mkdir(git, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(git, "x.csv"), "x\n")
	rec.settle(t, 3)
}

func TestWatchCancelInterruptsRun(t *testing.T) {
	f := filepath.Join(t.TempDir(), "members.csv")
	write(t, f, "x\n")
	rec := newRecorder()
	// A run that goes on until the watch stops it, as a busy script does.
	rec.body = func(ctx context.Context, ev Event) error {
		<-ctx.Done()
		return fmt.Errorf("script stopped: %w", context.Cause(ctx))
	}
	log, stop := startWatch(t, Options{Patterns: []string{f}, Initial: true}, rec.run)
	rec.waitRuns(t, 1) // the run is in flight: it ends only when the watch stops
	stop()             // checks that Run returns nil
	if !strings.Contains(log.String(), "run 1: initial: interrupted after ") {
		t.Errorf("log:\n%s", log.String())
	}
}

func TestWatchPanicIsAFailedRun(t *testing.T) {
	f := filepath.Join(t.TempDir(), "members.csv")
	write(t, f, "x\n")
	rec := newRecorder()
	rec.body = func(ctx context.Context, ev Event) error { panic("oops") }
	log, stop := startWatch(t, Options{Patterns: []string{f}, Initial: true}, rec.run)
	rec.waitRuns(t, 1)
	write(t, f, "y\n")
	rec.waitRuns(t, 2)
	stop()
	if !strings.Contains(log.String(), "run 2: "+f+" (write): failed in ") || !strings.Contains(log.String(), "panic: oops") {
		t.Errorf("log:\n%s", log.String())
	}
}

func TestNewWatcherErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	write(t, file, "")
	tests := []struct {
		patterns []string
		want     string
	}{
		{nil, "nothing to watch"},
		{[]string{filepath.Join(dir, "missing", "x.csv")}, "does not exist"},
		{[]string{filepath.Join(dir, "*", "x.csv")}, "may only be in the last element"},
		{[]string{filepath.Join(dir, "[x")}, "bad glob"},
		{[]string{filepath.Join(file, "*.csv")}, "not a directory"},
	}
	for _, tt := range tests {
		w, err := New(t.Context(), Options{Patterns: tt.patterns})
		if err == nil {
			w.Close()
			t.Errorf("%q: no error", tt.patterns)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.patterns, err, tt.want)
		}
	}
	// A missing path in an existing directory is fine: it may come later.
	w, err := New(t.Context(), Options{Patterns: []string{filepath.Join(dir, "later.csv")}})
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
}

func TestEventString(t *testing.T) {
	tests := []struct {
		ev   Event
		want string
	}{
		{Event{Initial: true}, "initial"},
		{newEvent([]Change{{"a.csv", ChangeWrite}}, time.Now()), "a.csv (write)"},
		{newEvent([]Change{{"a", ChangeWrite}, {"b", ChangeCreate}, {"c", ChangeRemove}, {"d", ChangeWrite}, {"e", ChangeWrite}}, time.Now()),
			"a (write), b (create), c (remove) and 2 more"},
	}
	for _, tt := range tests {
		if got := tt.ev.String(); got != tt.want {
			t.Errorf("%q, want %q", got, tt.want)
		}
	}
}

func TestWatchRunReturnsErrors(t *testing.T) {
	// The summary of a failed run.
	f := filepath.Join(t.TempDir(), "x")
	write(t, f, "1")
	rec := newRecorder()
	rec.body = func(ctx context.Context, ev Event) error { return errors.New("read script: gone") }
	log, stop := startWatch(t, Options{Patterns: []string{f}, Initial: true}, rec.run)
	waitLog(t, log, "run 1: ")
	stop()
	if !strings.Contains(log.String(), "run 1: initial: failed in ") || !strings.Contains(log.String(), ": read script: gone\n") {
		t.Errorf("log:\n%s", log.String())
	}
}

// TestWatchSummaryEscapesControls: a failed run's error may quote the
// agent; its summary line shows control characters escaped, keeping the
// error's own lines (issue 15 item 5). So does a changed file's name.
func TestWatchSummaryEscapesControls(t *testing.T) {
	f := filepath.Join(t.TempDir(), "x")
	write(t, f, "1")
	rec := newRecorder()
	rec.body = func(ctx context.Context, ev Event) error {
		return errors.New("usergroup.update: 499 DEFAULT: \x1b]0;pwned\x07\x1b[2J\r\nstack traceback:\n\tx.lua:1")
	}
	log, stop := startWatch(t, Options{Patterns: []string{f}, Initial: true}, rec.run)
	waitLog(t, log, "x.lua:1")
	stop()
	want := "499 DEFAULT: \\x1b]0;pwned\\x07\\x1b[2J\\x0d\nstack traceback:\n\tx.lua:1"
	if !strings.Contains(log.String(), want) || strings.ContainsAny(log.String(), "\x1b\x07\r") {
		t.Errorf("log:\n%q\nwant it to hold %q", log.String(), want)
	}
	ev := newEvent([]Change{{"a\x1b[2J.csv", ChangeWrite}}, time.Now())
	if got := ev.String(); got != `a\x1b[2J.csv (write)` {
		t.Errorf("event %q", got)
	}
}
