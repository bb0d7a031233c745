package audit

import (
	"encoding/csv"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
)

// Result is one row of a results file: what became of one input row.
type Result struct {
	Row    int    // the input row (a CSV line number, or the item's index)
	User   string // the username (or user id)
	Group  string // the group's name or id
	Action string // add, remove
	// Outcome is applied, unchanged, skipped (journal), planned (dry run),
	// failed, not sent, or unknown: the answer was lost and reading back
	// could not tell whether it landed.
	Outcome string
	Message string
}

// Results writes a results CSV (row, user, group, action, outcome,
// message). It is safe for concurrent use; Close flushes it.
type Results struct {
	mu sync.Mutex
	f  *os.File
	w  *csv.Writer
}

// CreateResults creates (or truncates) the results file at path and writes
// its header. Like every record file, it is private to its owner (mode
// 0600), even when it existed with a wider mode.
func CreateResults(path string) (*Results, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("results file: %w", err)
	}
	if runtime.GOOS != "windows" {
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			return nil, fmt.Errorf("results file: %w", err)
		}
	}
	r := &Results{f: f, w: csv.NewWriter(f)}
	r.w.Write([]string{"row", "user", "group", "action", "outcome", "message"})
	return r, nil
}

// Add writes rows.
func (r *Results) Add(rows ...Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, x := range rows {
		r.w.Write([]string{strconv.Itoa(x.Row), x.User, x.Group, x.Action, x.Outcome, x.Message})
	}
}

// Close flushes and closes the file.
func (r *Results) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.w.Flush()
	if err := r.w.Error(); err != nil {
		r.f.Close()
		return fmt.Errorf("results file: %w", err)
	}
	return r.f.Close()
}
