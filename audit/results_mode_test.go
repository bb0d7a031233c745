//go:build unix

package audit

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRecordFilesArePrivate checks that every record file (results, audit
// log, journal) is created 0600, and that an existing file with a wider
// mode is narrowed when it is reused.
func TestRecordFilesArePrivate(t *testing.T) {
	open := map[string]func(path string) (interface{ Close() error }, error){
		"results": func(p string) (interface{ Close() error }, error) { return CreateResults(p, nil) },
		"audit":   func(p string) (interface{ Close() error }, error) { return OpenLog(p, nil) },
		"journal": func(p string) (interface{ Close() error }, error) { return OpenJournal(p, nil) },
	}
	for kind, openFn := range open {
		dir := t.TempDir()
		fresh := filepath.Join(dir, "fresh")
		old := filepath.Join(dir, "old")
		if err := os.WriteFile(old, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{fresh, old} {
			f, err := openFn(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode().Perm() != 0o600 {
				t.Errorf("%s %s: mode %v, want 0600", kind, filepath.Base(path), info.Mode().Perm())
			}
		}
	}
}
