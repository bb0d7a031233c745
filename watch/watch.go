// Package watch calls a function whenever watched files change: it
// watches paths, directories and globs through fsnotify, turns bursts of
// changes into one call after a quiet period (debouncing), compares content
// so that a save that changes nothing does not count, never overlaps two
// calls, and ignores the changes a call makes itself when the caller
// reports them (Watcher.Wrote). It knows nothing of what the function
// does: `clickscript watch` runs a Lua script with it.
package watch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/clickscript/clickscript/internal/printable"
)

// DefaultDebounce is the quiet period a burst of changes must be followed
// by before a run starts, when Options.Debounce is zero.
const DefaultDebounce = 100 * time.Millisecond

// DefaultMaxDepth is how many levels below a watched directory Recursive
// goes, when Options.MaxDepth is zero.
const DefaultMaxDepth = 32

// DefaultMaxWatches is how many directories a Watcher watches at most,
// when Options.MaxWatches is zero.
const DefaultMaxWatches = 10000

// DefaultMaxWait returns the longest a run waits under changes that never
// stop, when Options.MaxWait is zero: ten debounce periods, at least a
// second.
func DefaultMaxWait(debounce time.Duration) time.Duration {
	return max(10*debounce, time.Second)
}

// ChangeKind says what happened to a path since the run before.
type ChangeKind string

// The kinds of change.
const (
	ChangeCreate ChangeKind = "create" // the path did not exist
	ChangeWrite  ChangeKind = "write"  // its content changed (an atomic rename-over save included)
	ChangeRemove ChangeKind = "remove" // it was deleted
	ChangeRename ChangeKind = "rename" // it was moved away
)

// Change is one changed path.
type Change struct {
	Path string // as shown to the user: relative to the working directory when under it
	Kind ChangeKind
}

// Event is what triggered a run. (`clickscript watch` gives it to its
// scripts as the global `event`.)
type Event struct {
	Paths   []string  // the changed paths, sorted; empty for the initial run
	Changes []Change  // the same paths with what happened to each, sorted by path
	Time    time.Time // when the run was triggered
	Initial bool      // the run that --initial asks for, before any change
}

// String describes the trigger as run summaries show it: "initial", or
// "data/members.csv (write), b.csv (create)" (at most three paths, then
// "and N more").
func (ev Event) String() string {
	if ev.Initial && len(ev.Changes) == 0 {
		return "initial"
	}
	const shown = 3
	var parts []string
	for i, c := range ev.Changes {
		if i == shown {
			return strings.Join(parts, ", ") + fmt.Sprintf(" and %d more", len(ev.Changes)-shown)
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", printable.Escape(c.Path), c.Kind))
	}
	return strings.Join(parts, ", ")
}

// Options configures a Watcher.
type Options struct {
	// Patterns are what to watch: files, directories (their entries; every
	// level with Recursive) and globs whose last element has the pattern,
	// as "data/*.csv" (filepath.Match syntax). A path may not exist yet,
	// but its parent directory must.
	Patterns  []string
	Recursive bool          // watch the subdirectories of watched directories and glob directories too
	Debounce  time.Duration // quiet period after the last change before a run; 0: DefaultDebounce
	// MaxWait bounds the wait under changes that never stop: a run starts
	// at most this long after the first change it answers, quiet or not.
	// 0: DefaultMaxWait(Debounce). It may not be below Debounce.
	MaxWait time.Duration
	// MaxDepth is how many levels below a watched directory Recursive
	// goes; a deeper directory is an error (a *LimitError). 0:
	// DefaultMaxDepth.
	MaxDepth int
	// MaxWatches is how many directories are watched at most; one more is
	// an error (a *LimitError). 0: DefaultMaxWatches.
	MaxWatches int
	OnTouch    bool      // run when a save leaves the content unchanged (a touch), too
	Initial    bool      // run once at start, before any change
	Log        io.Writer // run summaries and watch problems, one line each; nil: discarded
}

// LimitError is a watch that would pass Options.MaxDepth or
// Options.MaxWatches.
type LimitError struct {
	Pattern string // the pattern whose directories passed it
	Dir     string // the directory that would have passed it, as displayed
	Limit   int
	Depth   bool // MaxDepth; else MaxWatches
}

func (e *LimitError) Error() string {
	if e.Depth {
		return fmt.Sprintf("watch %s: directory %s is more than %d levels deep (the depth limit): watch a narrower tree, or raise the limit",
			e.Pattern, e.Dir, e.Limit)
	}
	return fmt.Sprintf("watch %s: more than %d directories to watch (the limit), at %s: watch a narrower tree, or raise the limit",
		e.Pattern, e.Limit, e.Dir)
}

// Watcher re-runs a function whenever watched files change. It watches
// the parent directory of every watched path through fsnotify, so that
// atomic saves (a temporary file renamed over the target) are seen and a
// path that is deleted and created again is watched again. Each directory
// is watched once, however many paths (symbolic links) lead to it.
//
// A burst of changes becomes one run once no change has come for the
// debounce period, or MaxWait after the first change under changes that
// never stop. Runs never overlap: changes during a run make one more run
// after it. A change is a difference from what the previous run saw, by
// content (SHA-256): a save that leaves a file as it was, a change that is
// undone within the period, and a chmod do not count; nor does a path the
// run itself wrote (see Wrote) when it still holds what the run left in
// it. Inside watched directories and for globs, hidden files and editor
// leftovers (".x", "x~", "#x#") are ignored unless the pattern names them.
//
// Create a Watcher with New, then call Run once; Run closes it.
type Watcher struct {
	opts    Options
	fw      *fsnotify.Watcher
	targets []target
	wd      string
	log     io.Writer

	watched *dirSet              // directories given to fsnotify
	gone    map[string]bool      // target directories that disappeared
	state   map[string]fileState // what the last run saw, by absolute path
	pending map[string]fsnotify.Op
	first   time.Time // when the oldest pending change came
	last    time.Time // when the newest did

	ownMu sync.Mutex
	own   map[string]bool // paths the run in flight wrote; nil between runs

	closeOnce sync.Once
	closeErr  error
}

// New checks opts, starts watching and records what every watched path
// holds now. Cancelling ctx stops the scan of the watched trees (New then
// returns ctx's error). The caller must call Run or Close.
func New(ctx context.Context, opts Options) (*Watcher, error) {
	if err := opts.fill(); err != nil {
		return nil, err
	}
	w := &Watcher{
		opts:    opts,
		log:     opts.Log,
		watched: newDirSet(),
		gone:    map[string]bool{},
		state:   map[string]fileState{},
		pending: map[string]fsnotify.Op{},
	}
	if w.log == nil {
		w.log = io.Discard
	}
	w.wd, _ = os.Getwd()
	for _, p := range opts.Patterns {
		t, err := parseTarget(p)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(w.targets, func(u target) bool { return u.path == t.path && u.glob == t.glob }) {
			w.targets = append(w.targets, t)
		}
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	w.fw = fw
	if err := w.startAll(ctx); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// fill checks the options and fills in the defaults.
func (o *Options) fill() error {
	switch {
	case len(o.Patterns) == 0:
		return errors.New("watch: nothing to watch")
	case o.Debounce < 0:
		return fmt.Errorf("watch: debounce %v is negative", o.Debounce)
	case o.MaxWait < 0:
		return fmt.Errorf("watch: maximum wait %v is negative", o.MaxWait)
	case o.MaxDepth < 0 || o.MaxWatches < 0:
		return fmt.Errorf("watch: negative limit (depth %d, watches %d)", o.MaxDepth, o.MaxWatches)
	}
	if o.Debounce == 0 {
		o.Debounce = DefaultDebounce
	}
	if o.MaxWait == 0 {
		o.MaxWait = DefaultMaxWait(o.Debounce)
	}
	if o.MaxWait < o.Debounce {
		return fmt.Errorf("watch: maximum wait %v is shorter than the debounce period %v", o.MaxWait, o.Debounce)
	}
	if o.MaxDepth == 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.MaxWatches == 0 {
		o.MaxWatches = DefaultMaxWatches
	}
	return nil
}

// Wrote tells the Watcher that the run in flight wrote, created, renamed
// or removed path (relative to the working directory, or absolute). When
// the run ends, what each such path holds becomes what the next run's
// changes are measured from, so that a run's own writes do not trigger
// the next run, while a change made after the run still does. It is safe
// to call from any goroutine; a call while no run is in flight does
// nothing.
func (w *Watcher) Wrote(path string) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return
	}
	w.ownMu.Lock()
	defer w.ownMu.Unlock()
	if w.own != nil {
		w.own[abs] = true
	}
}

// beginOwn starts recording the paths a run writes.
func (w *Watcher) beginOwn() {
	w.ownMu.Lock()
	defer w.ownMu.Unlock()
	w.own = map[string]bool{}
}

// endOwn stops recording and returns what each path the run wrote holds
// now.
func (w *Watcher) endOwn(ctx context.Context) map[string]ownState {
	w.ownMu.Lock()
	paths := w.own
	w.own = nil
	w.ownMu.Unlock()
	out := make(map[string]ownState, len(paths))
	for p := range paths {
		st, ok := readState(ctx, p)
		out[p] = ownState{st: st, exists: ok}
	}
	return out
}

// ownState is what a path a run wrote held when the run ended.
type ownState struct {
	st     fileState
	exists bool
}

// adopt makes what the run's own writes left the baseline of the next
// run, for the paths the watch is about.
func (w *Watcher) adopt(own map[string]ownState) {
	for p, s := range own {
		switch {
		case s.exists && w.matches(p):
			s.st.own = true
			w.state[p] = s.st
		case !s.exists:
			delete(w.state, p)
		}
	}
}

// Close stops watching. Run calls it; call it only when Run is not called.
func (w *Watcher) Close() error {
	w.closeOnce.Do(func() { w.closeErr = w.fw.Close() })
	return w.closeErr
}
