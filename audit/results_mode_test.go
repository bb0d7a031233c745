//go:build unix

package audit

import (
	"os"
	"path/filepath"
	"testing"
)

// TestResultsFileIsPrivate checks that a results file is created 0600, and
// that an existing file with a wider mode is narrowed when it is reused.
func TestResultsFileIsPrivate(t *testing.T) {
	dir := t.TempDir()
	fresh := filepath.Join(dir, "fresh.csv")
	old := filepath.Join(dir, "old.csv")
	if err := os.WriteFile(old, []byte("stale\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fresh, old} {
		r, err := CreateResults(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(path), info.Mode().Perm())
		}
	}
}
