package clickapi

import (
	"errors"
	"strings"
	"sync"
)

// minSecretLength is the shortest value AddSecret registers: scrubbing a
// shorter string would mangle ordinary text and protect nothing.
const minSecretLength = 4

// secretSet holds the secret values a client has seen besides its own
// token: the API tokens it minted or listed. It is safe for concurrent use.
type secretSet struct {
	mu   sync.RWMutex
	vals map[string]struct{}
}

func (s *secretSet) add(v string) {
	if len(v) < minSecretLength {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.vals == nil {
		s.vals = make(map[string]struct{})
	}
	s.vals[v] = struct{}{}
}

func (s *secretSet) scrub(str string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for v := range s.vals {
		str = strings.ReplaceAll(str, v, Redacted)
	}
	return str
}

// AddSecret registers a secret value (an API token minted or listed, say)
// with the client's redaction: from then on Redact, and every error the
// client returns, replace it with REDACTED. The client registers the
// token values it receives itself; call AddSecret for secrets that reach
// the program another way. Values shorter than 4 bytes are ignored.
func (c *Client) AddSecret(v string) { c.secrets.add(v) }

// Redact returns s with the token query parameter, the client's current
// token and every registered secret replaced by REDACTED. Log writers,
// the REPL and audit files pass what they write through it.
func (c *Client) Redact(s string) string {
	return c.secrets.scrub(RedactToken(s, c.Token()))
}

// secretError scrubs the client's registered secrets from an error's
// message; Unwrap keeps errors.Is and errors.As working.
type secretError struct {
	err     error
	secrets *secretSet
}

func (e *secretError) Error() string { return e.secrets.scrub(e.err.Error()) }
func (e *secretError) Unwrap() error { return e.err }

// redactSecrets wraps err so that its message never shows a registered secret.
func (c *Client) redactSecrets(err error) error {
	var se *secretError
	if err == nil || errors.As(err, &se) {
		return err
	}
	return &secretError{err: err, secrets: &c.secrets}
}
