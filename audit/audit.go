// Package audit holds the file formats of the records of bulk membership
// changes, and nothing else: an append-only audit log of every write call
// (enough for bindings.Undo to reverse a run's membership changes), a
// journal of applied batches (so that a re-run resumes where a failed one
// stopped), and a per-row results file. It calls no API.
package audit

import (
	"bufio"
	"encoding/json"

	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"time"
)

// Pair is one user-to-group membership as the audit log keeps it. UserID
// may be empty for a user that the import created (known by Username);
// ID is the assignment id when known.
type Pair struct {
	ID          string `json:"id,omitempty"`
	UserID      string `json:"userId,omitempty"`
	Username    string `json:"username,omitempty"`
	UserGroupID string `json:"userGroupId"`
	GroupName   string `json:"groupName,omitempty"`
}

// Entry is one write call. Added holds the memberships the call created
// (not those that already existed), Removed those it removed; CreatedUsers
// the usernames an import created; a failed call has none of them, unless
// its answer was lost and reading back found them (see ReadBack). The
// token is never part of an entry.
type Entry struct {
	Time         time.Time `json:"time"`
	Op           string    `json:"op"`
	Endpoint     string    `json:"endpoint"`
	Items        int       `json:"items"`
	Status       int       `json:"status"` // the HTTP status; 0 when no answer came
	DurationMS   float64   `json:"duration_ms"`
	DryRun       bool      `json:"dry_run,omitempty"`
	Error        string    `json:"error,omitempty"`
	Added        []Pair    `json:"added,omitempty"`
	Removed      []Pair    `json:"removed,omitempty"`
	CreatedUsers []string  `json:"created_users,omitempty"`
	// A write whose answer was lost (clickapi.ErrOutcomeUnknown) keeps its
	// Error, and Added, Removed and CreatedUsers hold what reading back
	// found in place; ReadBack says what that read found, and Unknown the
	// memberships it could not tell about (their group could not be read),
	// which undo reports and leaves alone.
	ReadBack string `json:"read_back,omitempty"`
	Unknown  []Pair `json:"unknown,omitempty"`
	Group    string `json:"group,omitempty"` // insert, update, delete: the group's id
	// User is the user's id for user.insert, user.edit and user.delete;
	// APIToken the token's id (never its value) for apitoken.insert and
	// apitoken.delete; Permissions the grants a permission write changed.
	User        string             `json:"user,omitempty"`
	APIToken    string             `json:"apiToken,omitempty"`
	Permissions []PermissionChange `json:"permissions,omitempty"`
}

// PermissionChange is one grant that a permission write added, changed or
// revoked: Level is the level after the call (0: revoked), PrevLevel the
// level before it (0: there was no grant). ID is the permission record's
// id when known. Subject is "group" or "user", Object "project" or "drive".
type PermissionChange struct {
	ID        string `json:"id,omitempty"`
	Subject   string `json:"subject"`
	SubjectID string `json:"subjectId"`
	Object    string `json:"object"`
	ObjectID  string `json:"objectId"`
	Level     int    `json:"level"`
	PrevLevel int    `json:"prevLevel"`
}

// Redactor scrubs the known secret values from a line before a record
// file holds it (clickapi.Secrets.Redact); nil: none.
type Redactor func(string) string

func (r Redactor) apply(s string) string {
	if r == nil {
		return s
	}
	return r(s)
}

// openPrivate opens the record file at path with flag (os.O_CREATE
// added), private to its owner: mode 0600, even when it existed with a
// wider mode (on systems with Unix permissions).
func openPrivate(path string, flag int) (*os.File, error) {
	f, err := os.OpenFile(path, flag|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if runtime.GOOS != "windows" {
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			return nil, err
		}
	}
	return f, nil
}

// Log appends entries to an audit file, one JSON line each, synced to
// disk as it goes. It is safe for concurrent use.
type Log struct {
	mu     sync.Mutex
	f      *os.File
	redact Redactor
}

// OpenLog opens (creating it if needed) the audit file at path for
// appending; the file is made private (mode 0600). Each line passes
// through redact (nil: none) before it is written.
func OpenLog(path string, redact Redactor) (*Log, error) {
	f, err := openPrivate(path, os.O_APPEND|os.O_WRONLY)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return &Log{f: f, redact: redact}, nil
}

// Append writes e as one line, secrets redacted, and syncs it.
func (l *Log) Append(e Entry) error {
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := io.WriteString(l.f, l.redact.apply(string(line))+"\n"); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	return l.f.Sync()
}

// Close closes the file.
func (l *Log) Close() error { return l.f.Close() }

// ReadLog reads every entry of an audit file. A last line cut short by a
// crash is ignored; any other bad line is an error naming its line number.
func ReadLog(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer f.Close()
	return readLines[Entry](path, f)
}

// BadLine is a line of an audit file that does not parse: torn by a
// crash, cut short, or edited by hand.
type BadLine struct {
	File string
	Line int // 1-based
	Err  error
}

func (b BadLine) String() string { return fmt.Sprintf("%s:%d: %v", b.File, b.Line, b.Err) }

// ReadLogChecked reads every entry of an audit file that parses and lists
// the lines that do not (a torn last line included), each with its file
// and line number, so that the caller decides whether to go on without them.
func ReadLogChecked(path string) ([]Entry, []BadLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("audit log: %w", err)
	}
	defer f.Close()
	var (
		out []Entry
		bad []BadLine
	)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 256<<20)
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(b) == 0 {
			continue
		}
		var e Entry
		if err := json.Unmarshal(b, &e); err != nil {
			bad = append(bad, BadLine{File: path, Line: line, Err: fmt.Errorf("not an audit entry: %w", err)})
			continue
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s:%d: %w", path, line+1, err)
	}
	return out, bad, nil
}

// readLines decodes a JSON-lines file, tolerating a torn last line.
func readLines[T any](name string, r io.Reader) ([]T, error) {
	var out []T
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 256<<20)
	var pendingErr error
	line := 0
	for sc.Scan() {
		line++
		if pendingErr != nil {
			return nil, pendingErr
		}
		b := sc.Bytes()
		if len(b) == 0 {
			continue
		}
		var v T
		if err := json.Unmarshal(b, &v); err != nil {
			// Only the last line may be torn; decide when we see whether more follow.
			pendingErr = fmt.Errorf("%s:%d: %w", name, line, err)
			continue
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}
