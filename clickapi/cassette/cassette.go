package cassette

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/clickscript/clickscript/internal/atomicfile"
)

// Version is the cassette format version this package reads and writes.
const Version = 1

// Cassette is a recording: the interactions in the order their requests
// were started. Its JSON bodies are held compacted; Marshal indents them.
type Cassette struct {
	Version      int           `json:"version"`
	Interactions []Interaction `json:"interactions"`
}

// Interaction is one request and the response it got.
type Interaction struct {
	Request  Request  `json:"request"`
	Response Response `json:"response"`
}

// Request is the recorded, scrubbed side of a request: Query has no token
// parameter and its other parameters are sorted.
type Request struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	Query  string `json:"query"`
	Payload
}

// Response is a recorded response. Headers holds only the kept headers
// (content-type, error-code, retry-after), under lowercase names.
type Response struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Payload
}

// Payload is a body, held in at most one of its fields: Body for JSON,
// BodyText for other UTF-8 text, BodyBase64 for other bytes. All empty
// means no body.
type Payload struct {
	Body       json.RawMessage `json:"body,omitempty"`
	BodyText   string          `json:"bodyText,omitempty"`
	BodyBase64 []byte          `json:"bodyBase64,omitempty"`
}

// keptHeaders returns the response headers a cassette keeps.
func keptHeaders() []string {
	return []string{"content-type", "error-code", "retry-after"}
}

// Bytes returns the body as it is replayed: JSON compacted, other bodies
// as they were recorded, nil for no body.
func (p Payload) Bytes() []byte {
	switch {
	case len(p.Body) > 0:
		var buf bytes.Buffer
		if err := json.Compact(&buf, p.Body); err != nil {
			return p.Body
		}
		return buf.Bytes()
	case p.BodyText != "":
		return []byte(p.BodyText)
	case len(p.BodyBase64) > 0:
		return p.BodyBase64
	}
	return nil
}

// Marshal returns the cassette in its file format: indented with two
// spaces, keys in a fixed order, HTML characters unescaped, a trailing
// newline. It fails on a cassette Parse would refuse.
func (c *Cassette) Marshal() ([]byte, error) {
	if c.Version != Version {
		return nil, fmt.Errorf("cassette: unknown version %d (this program writes version %d)", c.Version, Version)
	}
	for i := range c.Interactions {
		if err := c.Interactions[i].check(); err != nil {
			return nil, fmt.Errorf("cassette: interactions[%d]: %w", i, err)
		}
	}
	out := *c
	if out.Interactions == nil {
		out.Interactions = []Interaction{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&out); err != nil {
		return nil, fmt.Errorf("cassette: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// Save writes the cassette to path atomically: a temporary file in the same
// directory, renamed over path once complete, so a reader never sees half a
// cassette.
func (c *Cassette) Save(path string) error {
	data, err := c.Marshal()
	if err != nil {
		return err
	}
	// Cassettes are test data meant to be committed (the token is
	// scrubbed): readable by all, as the repository's other files.
	if err := atomicfile.WriteFile(path, data, FileMode); err != nil {
		return fmt.Errorf("cassette: save %s: %w", path, err)
	}
	return nil
}

// FileMode is the permissions of a saved cassette: 0600, like every record
// file clickscript writes (audit, journal, results). The token is scrubbed,
// but a recording of a real agent still holds the account's users and
// groups; git does not keep the mode, so committing one is unaffected.
const FileMode = 0o600
