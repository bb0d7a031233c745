// Package watch calls a function whenever watched files change: it
// watches paths, directories and globs through fsnotify, turns bursts of
// changes into one call after a quiet period (debouncing), compares content
// so that a save that changes nothing does not count, and never overlaps
// two calls. It knows nothing of what the function does: `clickscript
// watch` runs a Lua script with it.
package watch

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// DefaultDebounce is the quiet period a burst of changes must be followed
// by before a run starts, when Options.Debounce is zero.
const DefaultDebounce = 100 * time.Millisecond

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
		parts = append(parts, fmt.Sprintf("%s (%s)", c.Path, c.Kind))
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
	OnTouch   bool          // run when a save leaves the content unchanged (a touch), too
	Initial   bool          // run once at start, before any change
	Log       io.Writer     // run summaries and watch problems, one line each; nil: discarded
}

// Watcher re-runs a function whenever watched files change. It watches
// the parent directory of every watched path through fsnotify, so that
// atomic saves (a temporary file renamed over the target) are seen and a
// path that is deleted and created again is watched again.
//
// A burst of changes becomes one run once no change has come for the
// debounce period (or, under changes that never stop, ten periods, at least
// a second, after the first). Runs never overlap: changes during a run
// queue exactly one more run. A change is a difference from what the
// previous run saw, by content (SHA-256): a save that leaves a file as it
// was, a change that is undone within the period, and a chmod do not
// count. Inside watched directories and for globs, hidden files and editor
// leftovers (".x", "x~", "#x#") are ignored unless the pattern names them.
//
// Create a Watcher with New, then call Run once; Run closes it.
type Watcher struct {
	opts     Options
	maxDelay time.Duration
	fw       *fsnotify.Watcher
	targets  []target
	wd       string
	log      io.Writer

	watched map[string]bool      // directories given to fsnotify
	gone    map[string]bool      // target directories that disappeared
	state   map[string]fileState // what the last run saw, by absolute path
	pending map[string]fsnotify.Op
	first   time.Time // when the oldest pending change came
	last    time.Time // when the newest did

	closeOnce sync.Once
	closeErr  error
}

// target is one watched pattern.
type target struct {
	given string // as given
	path  string // absolute: the file or directory, or the glob's directory
	glob  string // the last element's pattern; "" for a plain path
}

// fileState is what a path held: a directory, or a file's content hash.
type fileState struct {
	dir        bool
	sum        [sha256.Size]byte
	mtime      time.Time
	unreadable bool // the content could not be read: never equal to anything
}

// New checks opts.Patterns, starts watching and records what every
// watched path holds now. The caller must call Run or Close.
func New(opts Options) (*Watcher, error) {
	if len(opts.Patterns) == 0 {
		return nil, errors.New("watch: nothing to watch")
	}
	if opts.Debounce < 0 {
		return nil, fmt.Errorf("watch: debounce %v is negative", opts.Debounce)
	}
	if opts.Debounce == 0 {
		opts.Debounce = DefaultDebounce
	}
	w := &Watcher{
		opts:     opts,
		maxDelay: max(10*opts.Debounce, time.Second),
		log:      opts.Log,
		watched:  map[string]bool{},
		gone:     map[string]bool{},
		state:    map[string]fileState{},
		pending:  map[string]fsnotify.Op{},
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
	for _, t := range w.targets {
		if err := w.start(t); err != nil {
			w.Close()
			return nil, err
		}
	}
	return w, nil
}

// parseTarget resolves a pattern to an absolute path, and splits off a
// glob in its last element.
func parseTarget(p string) (target, error) {
	if p == "" {
		return target{}, errors.New("watch: empty path")
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return target{}, fmt.Errorf("watch %s: %w", p, err)
	}
	dir, base := filepath.Split(abs)
	if hasMeta(dir) {
		return target{}, fmt.Errorf("watch %s: a glob may only be in the last element of the path", p)
	}
	if !hasMeta(base) {
		return target{given: p, path: abs}, nil
	}
	if _, err := filepath.Match(base, ""); err != nil {
		return target{}, fmt.Errorf("watch %s: bad glob: %w", p, err)
	}
	return target{given: p, path: filepath.Clean(dir), glob: base}, nil
}

func hasMeta(s string) bool {
	if filepath.Separator == '\\' {
		return strings.ContainsAny(s, "*?[")
	}
	return strings.ContainsAny(s, `*?[\`)
}

// start watches t's parent directory, and t itself when it is a directory,
// and records the state of what it matches.
func (w *Watcher) start(t target) error {
	parent := filepath.Dir(t.path)
	if fi, err := os.Stat(parent); err != nil || !fi.IsDir() {
		return fmt.Errorf("watch %s: directory %s does not exist", t.given, w.display(parent))
	}
	if err := w.watch(parent); err != nil {
		return fmt.Errorf("watch %s: %w", t.given, err)
	}
	fi, err := os.Stat(t.path)
	switch {
	case err != nil:
		// Not there yet: the parent's watch will see it come.
		return nil
	case fi.IsDir():
		if t.glob == "" {
			w.state[t.path] = fileState{dir: true}
		}
		return w.addTree(t.path, true)
	case t.glob != "":
		return fmt.Errorf("watch %s: %s is not a directory", t.given, w.display(t.path))
	}
	if st, ok := readState(t.path); ok {
		w.state[t.path] = st
	}
	return nil
}

// watch gives dir to fsnotify, once.
func (w *Watcher) watch(dir string) error {
	if w.watched[dir] {
		return nil
	}
	if err := w.fw.Add(dir); err != nil {
		return fmt.Errorf("watch directory %s: %w", w.display(dir), err)
	}
	w.watched[dir] = true
	return nil
}

// addTree watches dir (and, with Recursive, its subdirectories) and goes
// through its entries: at start their state is recorded; later (dir was
// created or came back) they are pending changes, since they may have
// been written before the watch began.
func (w *Watcher) addTree(dir string, initial bool) error {
	if err := w.watch(dir); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("watch directory %s: %w", w.display(dir), err)
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		isDir := e.IsDir()
		if e.Type()&fs.ModeSymlink != 0 {
			fi, err := os.Stat(p)
			isDir = err == nil && fi.IsDir()
		}
		if isDir && w.wantsDir(p) {
			if err := w.addTree(p, initial); err != nil {
				return err
			}
		}
		if w.matches(p) {
			if !initial {
				w.note(p, fsnotify.Create)
			} else if st, ok := readState(p); ok {
				w.state[p] = st
			}
		}
	}
	return nil
}

// wantsDir says whether dir needs a watch: it is a target directory, the
// parent of one, or (Recursive) a non-hidden directory below one.
func (w *Watcher) wantsDir(dir string) bool {
	for _, t := range w.targets {
		if dir == t.path || dir == filepath.Dir(t.path) {
			return true
		}
		if w.opts.Recursive && under(dir, t.path) && !ignoredBelow(dir, t.path) {
			return true
		}
	}
	return false
}

// isTargetDir says whether dir is the path of a target (a directory the
// user named, or a glob's directory).
func (w *Watcher) isTargetDir(dir string) bool {
	return slices.ContainsFunc(w.targets, func(t target) bool { return t.path == dir })
}

// matches says whether a change to p concerns a target.
func (w *Watcher) matches(p string) bool {
	for _, t := range w.targets {
		if t.glob == "" && p == t.path {
			return true
		}
		inside := filepath.Dir(p) == t.path || w.opts.Recursive && under(p, t.path)
		if !inside || ignoredBelow(filepath.Dir(p), t.path) {
			continue
		}
		name := filepath.Base(p)
		if t.glob == "" {
			if !ignoredName(name) {
				return true
			}
			continue
		}
		if ok, _ := filepath.Match(t.glob, name); ok && (!ignoredName(name) || ignoredName(t.glob)) {
			return true
		}
	}
	return false
}

// under says whether p is strictly inside dir.
func under(p, dir string) bool {
	if !strings.HasSuffix(dir, string(filepath.Separator)) {
		dir += string(filepath.Separator)
	}
	return len(p) > len(dir) && strings.HasPrefix(p, dir)
}

// ignoredBelow says whether a directory between root and dir (dir
// included, root not) is hidden.
func ignoredBelow(dir, root string) bool {
	for dir != root && under(dir, root) {
		if strings.HasPrefix(filepath.Base(dir), ".") {
			return true
		}
		dir = filepath.Dir(dir)
	}
	return false
}

// ignoredName says whether a name is a hidden file or an editor's
// leftover: ".members.csv.swp", "members.csv~", "#members.csv#".
func ignoredName(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") ||
		len(name) > 1 && strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#")
}

// readState reads what p holds now; ok is false when it does not exist.
func readState(p string) (fileState, bool) {
	fi, err := os.Stat(p)
	if err != nil {
		return fileState{}, false
	}
	if fi.IsDir() {
		return fileState{dir: true}, true
	}
	st := fileState{mtime: fi.ModTime()}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return fileState{}, false
	}
	if err != nil {
		st.unreadable = true
		return st, true
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		st.unreadable = true
		return st, true
	}
	h.Sum(st.sum[:0])
	return st, true
}

// note records a change to p for the next flush.
func (w *Watcher) note(p string, op fsnotify.Op) {
	now := time.Now()
	if len(w.pending) == 0 {
		w.first = now
	}
	w.last = now
	w.pending[p] |= op
}

// handle takes one fsnotify event: it keeps the directory watches up to
// date and notes changes to watched paths.
func (w *Watcher) handle(ev fsnotify.Event) {
	p := filepath.Clean(ev.Name)
	if ev.Op == fsnotify.Chmod && !w.opts.OnTouch {
		return
	}
	var dirGone bool
	if ev.Op.Has(fsnotify.Remove) || ev.Op.Has(fsnotify.Rename) {
		dirGone = w.unwatch(p)
	}
	if ev.Op.Has(fsnotify.Create) && w.wantsDir(p) {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			back := w.gone[p]
			delete(w.gone, p)
			if err := w.addTree(p, false); err != nil {
				fmt.Fprintf(w.log, "%v\n", err)
			} else if back {
				fmt.Fprintf(w.log, "directory %s is back: watching it again\n", w.display(p))
			}
		}
	}
	if dirGone || w.matches(p) {
		w.note(p, ev.Op)
	}
}

// unwatch drops the watches of directory p and of those below it, after
// p was removed or moved away. It reports whether p was watched.
func (w *Watcher) unwatch(p string) bool {
	if !w.watched[p] {
		return false
	}
	for d := range w.watched {
		if d == p || under(d, p) {
			delete(w.watched, d)
			// fsnotify has often dropped it already.
			_ = w.fw.Remove(d)
		}
	}
	if w.isTargetDir(p) && !w.gone[p] {
		w.gone[p] = true
		fmt.Fprintf(w.log, "directory %s disappeared: watching for it to come back\n", w.display(p))
	}
	return true
}

// flush turns the pending changes into Changes against what the previous
// run saw, and makes the current state the new baseline.
func (w *Watcher) flush() []Change {
	ops := w.pending
	w.pending = map[string]fsnotify.Op{}
	work := make([]string, 0, len(ops))
	for p := range ops {
		work = append(work, p)
	}
	var changes []Change
	seen := map[string]bool{}
	for len(work) > 0 {
		p := work[len(work)-1]
		work = work[:len(work)-1]
		if seen[p] {
			continue
		}
		seen[p] = true
		op := ops[p]
		cur, ok := readState(p)
		if !ok || !cur.dir {
			// A directory that went: what was inside went too, events or not.
			for q := range w.state {
				if under(q, p) && !seen[q] {
					ops[q] |= op
					work = append(work, q)
				}
			}
		}
		prev, had := w.state[p]
		kind, changed := w.compare(prev, had, cur, ok, op)
		if ok && w.matches(p) {
			w.state[p] = cur
		} else {
			delete(w.state, p)
		}
		if changed {
			changes = append(changes, Change{Path: w.display(p), Kind: kind})
		}
	}
	slices.SortFunc(changes, func(a, b Change) int { return strings.Compare(a.Path, b.Path) })
	return changes
}

// compare says what happened between prev and cur, given the fsnotify
// operations seen in between.
func (w *Watcher) compare(prev fileState, had bool, cur fileState, ok bool, op fsnotify.Op) (ChangeKind, bool) {
	switch {
	case !had && !ok:
		return "", false
	case !had:
		return ChangeCreate, true
	case !ok:
		if op.Has(fsnotify.Rename) && !op.Has(fsnotify.Remove) {
			return ChangeRename, true
		}
		return ChangeRemove, true
	case prev.dir && cur.dir:
		return "", false
	case prev.dir != cur.dir || prev.unreadable || cur.unreadable || prev.sum != cur.sum:
		return ChangeWrite, true
	case w.opts.OnTouch && (op.Has(fsnotify.Write) || op.Has(fsnotify.Create) || !cur.mtime.Equal(prev.mtime)):
		return ChangeWrite, true
	}
	return "", false
}

// display shows an absolute path relative to the working directory when
// it is inside it.
func (w *Watcher) display(p string) string {
	if w.wd != "" {
		if rel, err := filepath.Rel(w.wd, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return rel
		}
	}
	return p
}

// mergeChanges adds the changes of a later flush to those of an earlier
// one that has not run yet: each path keeps one change relative to what
// the last run saw.
func mergeChanges(old, new []Change) []Change {
	byPath := map[string]ChangeKind{}
	for _, c := range old {
		byPath[c.Path] = c.Kind
	}
	for _, c := range new {
		before, had := byPath[c.Path]
		switch {
		case !had:
			byPath[c.Path] = c.Kind
		case before == ChangeCreate && (c.Kind == ChangeRemove || c.Kind == ChangeRename):
			delete(byPath, c.Path) // came and went between two runs
		case before == ChangeCreate:
			// still new to the next run
		case (before == ChangeRemove || before == ChangeRename) && c.Kind == ChangeCreate:
			byPath[c.Path] = ChangeWrite
		default:
			byPath[c.Path] = c.Kind
		}
	}
	out := make([]Change, 0, len(byPath))
	for p, k := range byPath {
		out = append(out, Change{Path: p, Kind: k})
	}
	slices.SortFunc(out, func(a, b Change) int { return strings.Compare(a.Path, b.Path) })
	return out
}

func newEvent(changes []Change, at time.Time) Event {
	ev := Event{Changes: changes, Time: at, Paths: make([]string, len(changes))}
	for i, c := range changes {
		ev.Paths[i] = c.Path
	}
	return ev
}

// runResult is a finished run.
type runResult struct {
	n    int
	ev   Event
	took time.Duration
	err  error
}

// Run watches until ctx is done, calling run with a context derived from
// ctx and the Event that triggered it, one call at a time. A run that
// fails is reported to Log and the watch goes on. When ctx is done, a run
// in flight is cancelled and waited for (and reported as interrupted), and
// Run returns nil. Run returns an error only if the watch itself fails.
// It closes the Watcher.
func (w *Watcher) Run(ctx context.Context, run func(context.Context, Event) error) error {
	defer w.Close()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	done := make(chan runResult, 1)
	var (
		n       int
		running bool
		queued  *Event
	)
	start := func(ev Event) {
		n++
		running = true
		go func(n int, ev Event) {
			t0 := time.Now()
			err := safeRun(ctx, run, ev)
			done <- runResult{n: n, ev: ev, took: time.Since(t0), err: err}
		}(n, ev)
	}
	arm := func() {
		if len(w.pending) == 0 {
			return
		}
		at := w.last.Add(w.opts.Debounce)
		if limit := w.first.Add(w.maxDelay); limit.Before(at) {
			at = limit
		}
		timer.Reset(time.Until(at))
	}

	names := make([]string, len(w.targets))
	for i, t := range w.targets {
		names[i] = t.given
	}
	fmt.Fprintf(w.log, "watching %s (Ctrl-C to stop)\n", strings.Join(names, ", "))
	if w.opts.Initial {
		start(Event{Paths: []string{}, Changes: []Change{}, Time: time.Now(), Initial: true})
	}
	for {
		select {
		case <-ctx.Done():
			timer.Stop()
			if running {
				w.report(<-done, true)
			}
			return nil
		case ev, ok := <-w.fw.Events:
			if !ok {
				return errors.New("watch: the file watcher stopped")
			}
			w.handle(ev)
			arm()
		case err, ok := <-w.fw.Errors:
			if !ok {
				return errors.New("watch: the file watcher stopped")
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				fmt.Fprintln(w.log, "too many changes at once: checking every watched path")
				w.rescan()
				arm()
				continue
			}
			fmt.Fprintf(w.log, "watch: %v\n", err)
		case <-timer.C:
			changes := w.flush()
			if len(changes) > 0 {
				ev := newEvent(changes, time.Now())
				if queued != nil {
					ev = newEvent(mergeChanges(queued.Changes, changes), ev.Time)
				}
				queued = &ev
			}
			if queued != nil && len(queued.Changes) > 0 && !running {
				start(*queued)
				queued = nil
			}
		case r := <-done:
			running = false
			w.report(r, ctx.Err() != nil)
			// Start the queued run now, unless more changes are settling:
			// then the timer starts it with them.
			if queued != nil && len(queued.Changes) > 0 && len(w.pending) == 0 {
				start(*queued)
				queued = nil
			}
		}
	}
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

// rescan notes every known and every matching path as changed, after
// fsnotify lost events.
func (w *Watcher) rescan() {
	for p := range w.state {
		w.note(p, fsnotify.Write)
	}
	for _, t := range w.targets {
		if fi, err := os.Stat(t.path); err == nil && fi.IsDir() {
			if err := w.addTree(t.path, false); err != nil {
				fmt.Fprintf(w.log, "%v\n", err)
			}
		} else if err == nil && t.glob == "" {
			w.note(t.path, fsnotify.Write)
		}
	}
}

// report writes a run's summary line: "run 3: data/members.csv (write):
// ok in 42ms", "... failed in 3ms: sync.lua:7: ..." (an error of several
// lines, as a script's with its traceback, goes on the next lines) or
// "... interrupted after 1.2s" (a run that ended with the context's
// cancellation while the watch stops).
func (w *Watcher) report(r runResult, stopping bool) {
	took := formatDuration(r.took)
	head := fmt.Sprintf("run %d: %s:", r.n, r.ev)
	switch {
	case r.err == nil:
		fmt.Fprintf(w.log, "%s ok in %s\n", head, took)
	case stopping && errors.Is(r.err, context.Canceled):
		fmt.Fprintf(w.log, "%s interrupted after %s\n", head, took)
	default:
		fmt.Fprintf(w.log, "%s failed in %s: %v\n", head, took, r.err)
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

// Close stops watching. Run calls it; call it only when Run is not called.
func (w *Watcher) Close() error {
	w.closeOnce.Do(func() { w.closeErr = w.fw.Close() })
	return w.closeErr
}
