package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Journal records the batches a bulk write applied, so that running the
// same import again after a crash or exhausted retries skips them and
// sends only the rest. A batch is known by BatchKey: its endpoint and its
// exact items. It is safe for concurrent use.
type Journal struct {
	mu      sync.Mutex
	f       *os.File
	applied map[string]bool
	redact  Redactor
}

type journalLine struct {
	Batch    string    `json:"batch"`
	Op       string    `json:"op"`
	Endpoint string    `json:"endpoint"`
	Items    int       `json:"items"`
	Time     time.Time `json:"time"`
}

// OpenJournal opens the journal at path, creating it if needed (mode
// 0600, as it is made if it existed), and reads the batches it already
// holds. Each line passes through redact (nil: none) before it is written.
func OpenJournal(path string, redact Redactor) (*Journal, error) {
	j := &Journal{applied: map[string]bool{}, redact: redact}
	if f, err := os.Open(path); err == nil {
		lines, err := readLines[journalLine](path, f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("journal: %w", err)
		}
		for _, l := range lines {
			j.applied[l.Batch] = true
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("journal: %w", err)
	}
	f, err := openPrivate(path, os.O_APPEND|os.O_WRONLY)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	j.f = f
	return j, nil
}

// BatchKey identifies a batch: a hash of the endpoint and the JSON of its items.
func BatchKey(endpoint string, items any) (string, error) {
	data, err := json.Marshal(items)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte(endpoint))
	h.Write([]byte{0})
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Applied reports whether the batch with this key was applied before.
func (j *Journal) Applied(key string) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.applied[key]
}

// Len is the number of applied batches the journal holds.
func (j *Journal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.applied)
}

// Record notes that a batch was applied, synced to disk before it returns.
func (j *Journal) Record(key, op, endpoint string, items int) error {
	line, err := json.Marshal(journalLine{Batch: key, Op: op, Endpoint: endpoint, Items: items, Time: time.Now().UTC()})
	if err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := io.WriteString(j.f, j.redact.apply(string(line))+"\n"); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	j.applied[key] = true
	return nil
}

// Close closes the file.
func (j *Journal) Close() error { return j.f.Close() }
