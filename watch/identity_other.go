//go:build !unix

package watch

import "os"

// keyOf reports that this system has no device and inode numbers in
// os.FileInfo: dirSet falls back to os.SameFile.
func keyOf(os.FileInfo) (fileKey, bool) { return fileKey{}, false }
