package watch

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// fileState is what a path held: a directory, or a file's content hash.
type fileState struct {
	dir        bool
	sum        [sha256.Size]byte
	mtime      time.Time
	unreadable bool // the content could not be read: never equal to anything
	// own: a run wrote it (see Watcher.Wrote), so the fsnotify operations
	// seen since may be the run's: with OnTouch only a new mtime is a touch.
	own bool
}

// readState reads what p holds now; ok is false when it does not exist.
// Hashing a large file stops when ctx is done (the file then counts as
// unreadable).
func readState(ctx context.Context, p string) (fileState, bool) {
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
	if _, err := io.Copy(h, ctxReader{ctx, f}); err != nil {
		st.unreadable = true
		return st, true
	}
	h.Sum(st.sum[:0])
	return st, true
}

// ctxReader reads from r until ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
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

// flush turns the pending changes into Changes against what the previous
// run saw, and makes the current state the new baseline.
func (w *Watcher) flush(ctx context.Context) []Change {
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
		cur, ok := readState(ctx, p)
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
	case w.opts.OnTouch && (!prev.own && (op.Has(fsnotify.Write) || op.Has(fsnotify.Create)) || !cur.mtime.Equal(prev.mtime)):
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

func newEvent(changes []Change, at time.Time) Event {
	ev := Event{Changes: changes, Time: at, Paths: make([]string, len(changes))}
	for i, c := range changes {
		ev.Paths[i] = c.Path
	}
	return ev
}
