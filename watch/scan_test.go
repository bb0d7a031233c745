package watch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

func mkdirs(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func symlink(t *testing.T, oldname, newname string) {
	t.Helper()
	if err := os.Symlink(oldname, newname); err != nil {
		t.Skipf("cannot make symbolic links here: %v", err)
	}
}

// watchedDirs returns what w watches, sorted.
func watchedDirs(w *Watcher) []string {
	got := w.watched.paths()
	slices.Sort(got)
	return got
}

func TestWatchSymlinkLoopsAreWatchedOnce(t *testing.T) {
	root := filepath.Join(t.TempDir(), "tree")
	a, b, z := filepath.Join(root, "a"), filepath.Join(root, "a", "b"), filepath.Join(root, "z")
	mkdirs(t, b, z)
	// Two links to ".", one to "..", and links to directories of the tree
	// whose names sort before the real ones.
	symlink(t, ".", filepath.Join(root, "loop1"))
	symlink(t, ".", filepath.Join(root, "loop2"))
	symlink(t, "..", filepath.Join(b, "up"))
	symlink(t, "z", filepath.Join(root, "0z"))
	symlink(t, filepath.Join("..", "z"), filepath.Join(a, "0z"))
	deep := filepath.Join(b, "deep.csv")
	write(t, deep, "1\n")
	w, err := New(t.Context(), Options{Patterns: []string{root}, Recursive: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	want := []string{filepath.Dir(root), root, a, b, z}
	if got := watchedDirs(w); !slices.Equal(got, want) {
		t.Errorf("watched %q, want %q", got, want)
	}

	// A change deep inside is seen once, under its real path.
	rec := newRecorder()
	log := &syncBuffer{}
	w.log = log
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { errc <- w.Run(ctx, rec.run) }()
	defer func() {
		cancel()
		if err := <-errc; err != nil {
			t.Error(err)
		}
	}()
	write(t, deep, "2\n")
	rec.waitRuns(t, 1)
	wantChanges(t, rec.event(0), Change{deep, ChangeWrite})
	// A new link to the tree is an entry like any other, but its
	// directory is not watched a second time.
	loop3 := filepath.Join(z, "loop3")
	symlink(t, ".", loop3)
	rec.waitRuns(t, 2)
	wantChanges(t, rec.event(1), Change{loop3, ChangeCreate})
	nf := filepath.Join(z, "new.csv")
	write(t, nf, "x\n")
	rec.waitRuns(t, 3)
	wantChanges(t, rec.event(2), Change{nf, ChangeCreate})
	if got := watchedDirs(w); !slices.Equal(got, want) {
		t.Errorf("watched %q, want %q", got, want)
	}
}

func TestWatchLinkOutsideTheTreeIsWatched(t *testing.T) {
	dir := t.TempDir()
	root, outside := filepath.Join(dir, "tree"), filepath.Join(dir, "outside")
	mkdirs(t, root, outside)
	symlink(t, outside, filepath.Join(root, "ext"))
	w, err := New(t.Context(), Options{Patterns: []string{root}, Recursive: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	want := []string{dir, root, filepath.Join(root, "ext")}
	if got := watchedDirs(w); !slices.Equal(got, want) {
		t.Errorf("watched %q, want %q", got, want)
	}
}

func TestWatchLimits(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "tree")
	mkdirs(t, filepath.Join(root, "1", "2", "3"), filepath.Join(root, "x"), filepath.Join(root, "y"))
	tests := []struct {
		opts, fits Options
		depth      bool
		want       string
	}{
		{Options{MaxDepth: 2}, Options{MaxDepth: 3}, true, "watch " + root + ": directory " + filepath.Join(root, "1", "2", "3") + " is more than 2 levels deep (the depth limit): watch a narrower tree, or raise the limit"},
		// The parent, the tree, 1, 1/2, 1/2/3, then x is one too many.
		{Options{MaxWatches: 5}, Options{MaxWatches: 7}, false, "watch " + root + ": more than 5 directories to watch (the limit), at " + filepath.Join(root, "x") + ": watch a narrower tree, or raise the limit"},
	}
	for _, tt := range tests {
		tt.opts.Patterns, tt.opts.Recursive = []string{root}, true
		w, err := New(t.Context(), tt.opts)
		if err == nil {
			w.Close()
			t.Errorf("%+v: no error", tt.opts)
			continue
		}
		var le *LimitError
		if !errors.As(err, &le) || le.Depth != tt.depth || err.Error() != tt.want {
			t.Errorf("%+v: %v\nwant %q", tt.opts, err, tt.want)
		}
		// Just enough, and it fits.
		tt.fits.Patterns, tt.fits.Recursive = []string{root}, true
		w, err = New(t.Context(), tt.fits)
		if err != nil {
			t.Errorf("%+v: %v", tt.fits, err)
			continue
		}
		w.Close()
	}
}

func TestWatchDepthLimitWhileRunning(t *testing.T) {
	root := t.TempDir()
	rec := newRecorder()
	log, _ := startWatch(t, Options{Patterns: []string{filepath.Join(root, "*.csv")}, Recursive: true, MaxDepth: 1}, rec.run)
	waitLog(t, log, "watching ")
	mkdirs(t, filepath.Join(root, "a", "b"))
	waitLog(t, log, "directory "+filepath.Join(root, "a", "b")+" is more than 1 levels deep (the depth limit)")
	// The watch goes on.
	f := filepath.Join(root, "a", "x.csv")
	write(t, f, "x\n")
	rec.waitRuns(t, 1)
	wantChanges(t, rec.event(0), Change{f, ChangeCreate})
}

// cancelAfter is a context that is cancelled by its n-th Err call: a scan
// that asks once per directory (and once per read of a file it hashes) is
// cancelled in the middle.
type cancelAfter struct {
	context.Context
	n     int
	mu    sync.Mutex
	calls int
	after int // Err calls since it was cancelled
	done  chan struct{}
}

func (c *cancelAfter) Done() <-chan struct{} { return c.done }

func (c *cancelAfter) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	switch {
	case c.calls == c.n:
		close(c.done)
	case c.calls > c.n:
		c.after++
	}
	if c.calls >= c.n {
		return context.Canceled
	}
	return nil
}

func TestNewStopsScanningWhenCancelled(t *testing.T) {
	root := t.TempDir()
	for i := range 200 {
		d := filepath.Join(root, fmt.Sprintf("d%03d", i))
		mkdirs(t, d)
		write(t, filepath.Join(d, "f.csv"), "x\n")
	}
	ctx := &cancelAfter{Context: context.Background(), n: 20, done: make(chan struct{})}
	w, err := New(ctx, Options{Patterns: []string{filepath.Join(root, "*.csv")}, Recursive: true})
	if err == nil {
		w.Close()
		t.Fatal("the scan went on after the cancellation")
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	// A scan that ignored it would ask some 400 times more.
	if ctx.after > 2 {
		t.Errorf("the scan asked %d times more after the cancellation, want at most 2", ctx.after)
	}
}

func TestWatchSaysWhatIsMissing(t *testing.T) {
	dir := t.TempDir()
	mkdirs(t, filepath.Join(dir, "data"))
	later := filepath.Join(dir, "later.csv")
	glob := filepath.Join(dir, "data", "*.csv")
	rec := newRecorder()
	log, _ := startWatch(t, Options{Patterns: []string{later, glob}}, rec.run)
	waitLog(t, log, "watching ")
	for _, want := range []string{
		later + " does not exist yet: it will be picked up when created\n",
		glob + " matches no file yet: files will be picked up when created\n",
	} {
		waitLog(t, log, want)
	}
	write(t, later, "x\n")
	rec.waitRuns(t, 1)
	wantChanges(t, rec.event(0), Change{later, ChangeCreate})
	if strings.Count(log.String(), "does not exist yet") != 1 {
		t.Errorf("log:\n%s", log)
	}
}
