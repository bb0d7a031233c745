package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/fsnotify/fsnotify"
)

// target is one watched pattern.
type target struct {
	given string // as given
	path  string // absolute: the file or directory, or the glob's directory
	glob  string // the last element's pattern; "" for a plain path
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

// startAll watches every target: first each target's parent directory and
// each target directory, then the trees below them, so that a symbolic
// link inside one tree to another target's directory does not take that
// directory's watch.
func (w *Watcher) startAll(ctx context.Context) error {
	var trees []target
	for _, t := range w.targets {
		isDir, err := w.startTarget(ctx, t)
		if err != nil {
			return err
		}
		if isDir {
			trees = append(trees, t)
		}
	}
	dirs := make([]dirAt, len(trees))
	for i, t := range trees {
		dirs[i] = dirAt{t.path, 0}
	}
	return w.addTree(ctx, dirs, true)
}

// startTarget watches t's parent directory, and t itself when it is a
// directory (isDir), and records the state of a plain file target.
func (w *Watcher) startTarget(ctx context.Context, t target) (isDir bool, err error) {
	parent := filepath.Dir(t.path)
	if fi, err := os.Stat(parent); err != nil || !fi.IsDir() {
		return false, fmt.Errorf("watch %s: directory %s does not exist", t.given, w.display(parent))
	}
	if err := w.watch(parent, -1); err != nil {
		return false, err
	}
	fi, err := os.Stat(t.path)
	switch {
	case err != nil:
		// Not there yet: the parent's watch will see it come.
		return false, nil
	case fi.IsDir():
		if t.glob == "" {
			w.state[t.path] = fileState{dir: true}
		}
		return true, w.watch(t.path, 0)
	case t.glob != "":
		return false, fmt.Errorf("watch %s: %s is not a directory", t.given, w.display(t.path))
	}
	if st, ok := readState(ctx, t.path); ok {
		w.state[t.path] = st
	}
	return false, nil
}

// watch gives dir, depth levels below its target's directory, to
// fsnotify once: a directory already watched under this path or another
// (a symbolic link to it) is not watched again (added is false). A dir
// that would pass Options.MaxDepth or Options.MaxWatches is a *LimitError.
func (w *Watcher) watch(dir string, depth int) error {
	_, err := w.watchNew(dir, depth)
	return err
}

func (w *Watcher) watchNew(dir string, depth int) (added bool, err error) {
	if w.watched.has(dir) {
		return false, nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return false, fmt.Errorf("watch directory %s: %w", w.display(dir), err)
	}
	if _, ok := w.watched.find(fi); ok {
		return false, nil
	}
	switch {
	case depth > w.opts.MaxDepth:
		return false, &LimitError{Pattern: w.patternOf(dir), Dir: w.display(dir), Limit: w.opts.MaxDepth, Depth: true}
	case w.watched.len() >= w.opts.MaxWatches:
		return false, &LimitError{Pattern: w.patternOf(dir), Dir: w.display(dir), Limit: w.opts.MaxWatches}
	}
	if err := w.fw.Add(dir); err != nil {
		return false, fmt.Errorf("watch directory %s: %w", w.display(dir), err)
	}
	w.watched.add(dir, fi)
	return true, nil
}

// patternOf returns the pattern, as given, whose tree dir is in.
func (w *Watcher) patternOf(dir string) string {
	for _, t := range w.targets {
		if dir == t.path || under(dir, t.path) {
			return t.given
		}
	}
	for _, t := range w.targets {
		if dir == filepath.Dir(t.path) {
			return t.given
		}
	}
	return w.display(dir)
}

// depthOf is how many levels dir is below the directory of the nearest
// target it is in (0: a target directory; -1: in none).
func (w *Watcher) depthOf(dir string) int {
	best := -1
	for _, t := range w.targets {
		if dir != t.path && !under(dir, t.path) {
			continue
		}
		rel, err := filepath.Rel(t.path, dir)
		if err != nil {
			continue
		}
		d := 0
		if rel != "." {
			d = strings.Count(rel, string(filepath.Separator)) + 1
		}
		if best < 0 || d < best {
			best = d
		}
	}
	return best
}

// dirAt is a directory to walk, depth levels below its target's
// directory.
type dirAt struct {
	path  string
	depth int
}

// addTree watches the directories in dirs (and, with Recursive, their
// subdirectories) and goes through their entries: at start their state
// is recorded; later (a directory was created or came back, or fsnotify
// lost events) they are pending changes, since they may have been written
// before the watch began. It walks the real directories first and follows
// symbolic links to directories after, so that a directory reached both
// ways is watched under its real path; one reached again (a loop such as
// "link -> .") is skipped (see watchNew). It stops with ctx's error when
// ctx is done.
func (w *Watcher) addTree(ctx context.Context, dirs []dirAt, initial bool) error {
	var links []dirAt
	walk := func(d dirAt) error {
		return w.walkDir(ctx, d, initial, &links)
	}
	for _, d := range dirs {
		if err := walk(d); err != nil {
			return err
		}
	}
	for len(links) > 0 {
		d := links[0]
		links = links[1:]
		if err := walk(d); err != nil {
			return err
		}
	}
	return nil
}

// walkDir watches d and goes through its entries (see addTree), recursing
// into real subdirectories and adding symbolic links to directories to
// links.
func (w *Watcher) walkDir(ctx context.Context, d dirAt, initial bool, links *[]dirAt) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	added, err := w.watchNew(d.path, d.depth)
	if err != nil {
		return err
	}
	if !added && !w.watched.has(d.path) {
		return nil // the same directory as one watched under another path
	}
	entries, err := os.ReadDir(d.path)
	if err != nil {
		return fmt.Errorf("watch directory %s: %w", w.display(d.path), err)
	}
	for _, e := range entries {
		p := filepath.Join(d.path, e.Name())
		link := e.Type()&fs.ModeSymlink != 0
		isDir := e.IsDir()
		if link {
			isDir, _ = statDir(p)
		}
		switch {
		case !isDir || !w.wantsDir(p):
		case link:
			*links = append(*links, dirAt{p, d.depth + 1})
		default:
			if err := w.walkDir(ctx, dirAt{p, d.depth + 1}, initial, links); err != nil {
				return err
			}
		}
		if w.matches(p) {
			if !initial {
				w.note(p, fsnotify.Create)
			} else if st, ok := readState(ctx, p); ok {
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
	return slices.ContainsFunc(w.targets, func(t target) bool { return w.targetMatches(t, p) })
}

// targetMatches says whether a change to p concerns t.
func (w *Watcher) targetMatches(t target, p string) bool {
	if t.glob == "" && p == t.path {
		return true
	}
	inside := filepath.Dir(p) == t.path || w.opts.Recursive && under(p, t.path)
	if !inside || ignoredBelow(filepath.Dir(p), t.path) {
		return false
	}
	name := filepath.Base(p)
	if t.glob == "" {
		return !ignoredName(name)
	}
	ok, _ := filepath.Match(t.glob, name)
	return ok && (!ignoredName(name) || ignoredName(t.glob))
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

// unwatch drops the watches of directory p and of those below it, after
// p was removed or moved away. It reports whether p was watched.
func (w *Watcher) unwatch(p string) bool {
	if !w.watched.has(p) {
		return false
	}
	for _, d := range w.watched.paths() {
		if d == p || under(d, p) {
			w.watched.remove(d)
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

// missing describes the targets that match nothing yet, for the start of
// Run: "members.csv does not exist yet: it will be picked up when
// created".
func (w *Watcher) missing() []string {
	var out []string
	for _, t := range w.targets {
		if t.glob == "" {
			if _, err := os.Lstat(t.path); err != nil {
				out = append(out, fmt.Sprintf("%s does not exist yet: it will be picked up when created", t.given))
			}
			continue
		}
		found := false
		for p, st := range w.state {
			if !st.dir && w.targetMatches(t, p) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, fmt.Sprintf("%s matches no file yet: files will be picked up when created", t.given))
		}
	}
	return out
}

// statDir says whether p is a directory (following symbolic links).
func statDir(p string) (bool, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return false, err
	}
	return fi.IsDir(), nil
}
