//go:build unix

package watch

import (
	"os"
	"syscall"
)

// keyOf returns the device and inode of the file fi describes.
func keyOf(fi os.FileInfo) (fileKey, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileKey{}, false
	}
	return fileKey{dev: uint64(st.Dev), ino: uint64(st.Ino)}, true // Dev is int32 on some systems
}
