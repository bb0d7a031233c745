package watch

import "os"

// fileKey identifies a directory on systems that expose a device and an
// inode number (see keyOf).
type fileKey struct {
	dev, ino uint64
}

// dirSet is the set of watched directories, by path and by identity, so
// that a directory reached again through a symbolic link (a loop such as
// "link -> .", or two links to one place) is watched once.
type dirSet struct {
	byPath map[string]os.FileInfo
	byKey  map[fileKey]string // where keyOf works
}

func newDirSet() *dirSet {
	return &dirSet{byPath: map[string]os.FileInfo{}, byKey: map[fileKey]string{}}
}

// has says whether dir is watched under this path.
func (d *dirSet) has(dir string) bool {
	_, ok := d.byPath[dir]
	return ok
}

// len is how many directories are watched.
func (d *dirSet) len() int { return len(d.byPath) }

// find returns the path under which the directory fi describes is
// watched, if it is: by device and inode where the system has them, else
// by os.SameFile against each watched directory.
func (d *dirSet) find(fi os.FileInfo) (string, bool) {
	if k, ok := keyOf(fi); ok {
		p, ok := d.byKey[k]
		return p, ok
	}
	for p, other := range d.byPath {
		if os.SameFile(fi, other) {
			return p, true
		}
	}
	return "", false
}

// add records dir, described by fi, as watched.
func (d *dirSet) add(dir string, fi os.FileInfo) {
	d.byPath[dir] = fi
	if k, ok := keyOf(fi); ok {
		d.byKey[k] = dir
	}
}

// remove forgets dir.
func (d *dirSet) remove(dir string) {
	fi, ok := d.byPath[dir]
	if !ok {
		return
	}
	delete(d.byPath, dir)
	if k, ok := keyOf(fi); ok && d.byKey[k] == dir {
		delete(d.byKey, k)
	}
}

// paths returns the watched paths, in no order.
func (d *dirSet) paths() []string {
	out := make([]string, 0, len(d.byPath))
	for p := range d.byPath {
		out = append(out, p)
	}
	return out
}
