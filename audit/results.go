package audit

import (
	"encoding/csv"
	"fmt"
	"os"
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
	mu     sync.Mutex
	f      *os.File
	w      *csv.Writer
	redact Redactor
}

// CreateResults creates (or truncates) the results file at path and writes
// its header. Like every record file, it is private to its owner (mode
// 0600), even when it existed with a wider mode. Each field passes through
// redact (nil: none) before it is written.
func CreateResults(path string, redact Redactor) (*Results, error) {
	f, err := openPrivate(path, os.O_TRUNC|os.O_WRONLY)
	if err != nil {
		return nil, fmt.Errorf("results file: %w", err)
	}
	r := &Results{f: f, w: csv.NewWriter(f), redact: redact}
	r.w.Write([]string{"row", "user", "group", "action", "outcome", "message"})
	return r, nil
}

// Add writes rows.
func (r *Results) Add(rows ...Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, x := range rows {
		rd := r.redact.apply
		r.w.Write([]string{strconv.Itoa(x.Row), rd(x.User), rd(x.Group), rd(x.Action), rd(x.Outcome), rd(x.Message)})
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
