package clickapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// MinSecretLength is the shortest value a Secrets set registers, in bytes.
// A shorter value is ignored, not redacted: scrubbing every "a", "adm" or
// "admin" from a run's output would mangle ordinary text (usernames,
// group names) and protect nothing an attacker could not guess. The
// tokens the agent issues are far longer; a password shorter than this is
// never redacted from output, and is only ever sent in a login body (which
// cassettes scrub by key).
const MinSecretLength = 8

// Secrets is the set of the secret values a run knows: the session token
// however it was obtained, the password given to a login, the tokens a
// login or apitoken.insert returned. Redact and the Writer it makes are
// the one place that scrubs them from what the program writes: streams,
// logs, errors, audit, results and journal files, cassettes and history.
// The zero value is an empty set, ready to use; a nil *Secrets redacts
// only token=... parameters. It is safe for concurrent use.
type Secrets struct {
	mu    sync.RWMutex
	forms []string // every value and its JSON-escaped forms, longest first
}

// Add registers v (see MinSecretLength for the values it ignores) and
// reports whether it did. Its JSON-escaped forms are registered too, so
// that a value with a quote or a backslash is also scrubbed from a JSON
// line.
func (s *Secrets) Add(v string) bool {
	if s == nil || len(v) < MinSecretLength {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// A new slice each time: snapshots in use stay as they are.
	forms := slices.Clone(s.forms)
	for _, f := range secretForms(v) {
		if !slices.Contains(forms, f) {
			forms = append(forms, f)
		}
	}
	// Longest first: a secret that contains another is replaced whole.
	slices.SortStableFunc(forms, func(a, b string) int { return len(b) - len(a) })
	s.forms = forms
	return true
}

// secretForms returns v and the forms JSON encoders give it inside a
// string literal (with and without HTML escaping), without duplicates.
func secretForms(v string) []string {
	forms := []string{v}
	m, _ := json.Marshal(v)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	for _, q := range []string{string(m), strings.TrimSuffix(buf.String(), "\n")} {
		if f := q[1 : len(q)-1]; !slices.Contains(forms, f) {
			forms = append(forms, f)
		}
	}
	return forms
}

// Redact returns str with every token=... parameter and every registered
// value replaced by REDACTED.
func (s *Secrets) Redact(str string) string {
	str = Redact(str)
	if s == nil {
		return str
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, f := range s.forms {
		str = strings.ReplaceAll(str, f, Redacted)
	}
	return str
}

// snapshot returns the registered forms; the caller must not modify them.
func (s *Secrets) snapshot() []string {
	if s == nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.forms
}

// AddSecret registers a secret value (an API token minted or listed, say)
// with the client's Secrets: from then on Redact, and every error the
// client returns, replace it with REDACTED. The client registers its token,
// a login's password and the tokens it receives itself; call AddSecret for
// secrets that reach the program another way. Values shorter than
// MinSecretLength are ignored.
func (c *Client) AddSecret(v string) { c.secrets.Add(v) }

// Secrets returns the set of secrets the client registers what it sees in
// (Options.Secrets, or its own).
func (c *Client) Secrets() *Secrets { return c.secrets }

// Redact returns s with the token query parameter, the client's current
// token and every registered secret replaced by REDACTED.
func (c *Client) Redact(s string) string {
	return c.secrets.Redact(RedactToken(s, c.Token()))
}

// secretError scrubs the client's registered secrets from an error's
// message; Unwrap keeps errors.Is and errors.As working.
type secretError struct {
	err     error
	secrets *Secrets
}

func (e *secretError) Error() string { return e.secrets.Redact(e.err.Error()) }
func (e *secretError) Unwrap() error { return e.err }

// redactSecrets wraps err so that its message never shows a registered secret.
func (c *Client) redactSecrets(err error) error {
	var se *secretError
	if err == nil || errors.As(err, &se) {
		return err
	}
	return &secretError{err: err, secrets: c.secrets}
}

// Writer redacts the secrets of a Secrets set from a stream (see
// NewWriter). It is safe for concurrent use.
type Writer struct {
	mu      sync.Mutex
	w       io.Writer
	secrets *Secrets
	held    []byte // raw bytes that may be the start of a secret
}

// maxHeld bounds what a Writer holds back of a token=... parameter that
// has not ended yet; a longer run is written out (redacted) as it is.
const maxHeld = 4096

// NewWriter returns a Writer that writes to w what is written to it with
// the secrets of s redacted. A secret split across two Write calls is
// still redacted: a Write holds back the end of its data when that end
// could be the start of a secret (or of a token=... parameter), and writes
// it with the next Write, or at Flush. Nothing else is held: a prompt
// without a newline appears at once. Call Flush when the stream's output
// is complete (before the process exits, or before the raw stream is
// handed to someone else).
func NewWriter(w io.Writer, s *Secrets) *Writer {
	return &Writer{w: w, secrets: s}
}

// Write writes p with the secrets redacted, in one Write call of the
// stream (never WriteString: the stream sees every write as it would
// without the Writer). It reports len(p) written when the redacted text
// was written, or held back.
func (rw *Writer) Write(p []byte) (int, error) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	buf := append(rw.held, p...)
	cut := holdFrom(buf, rw.secrets.snapshot())
	rw.held = append([]byte(nil), buf[cut:]...)
	if cut == 0 {
		return len(p), nil
	}
	if _, err := rw.w.Write([]byte(rw.secrets.Redact(string(buf[:cut])))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what a Write held back, redacted.
func (rw *Writer) Flush() error {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if len(rw.held) == 0 {
		return nil
	}
	held := rw.held
	rw.held = nil
	_, err := rw.w.Write([]byte(rw.secrets.Redact(string(held))))
	return err
}

// Unwrap returns the stream the Writer writes to (to tell whether it is a
// terminal, say).
func (rw *Writer) Unwrap() io.Writer { return rw.w }

// openTokenParam matches a token=... parameter that runs to the end of the
// text: its value may go on in the next Write.
var openTokenParam = regexp.MustCompile(`(?i)\btoken=[^&\s"'#<>]*$`)

// holdFrom returns where the part of buf that must be held back starts
// (len(buf): none): the longest end of buf that is the start of a secret
// form or of "token=", or an unfinished token=... parameter; moved back
// before any whole secret the cut would split.
func holdFrom(buf []byte, forms []string) int {
	cut := len(buf)
	if mayHoldTokenParam(buf) {
		if loc := openTokenParam.FindIndex(buf); loc != nil && len(buf)-loc[0] <= maxHeld {
			cut = loc[0]
		}
	}
	for _, f := range slices.Concat(forms, []string{"token="}) {
		for n := min(len(f)-1, len(buf)); n > 0; n-- {
			start := len(buf) - n
			if start >= cut {
				continue
			}
			if f == "token=" && strings.EqualFold(string(buf[start:]), f[:n]) || string(buf[start:]) == f[:n] {
				cut = start
				break
			}
		}
	}
	// A whole secret that the cut would split goes after it.
	for moved := true; moved; {
		moved = false
		for _, f := range forms {
			from := max(0, cut-len(f)+1)
			if i := bytes.Index(buf[from:], []byte(f)); i >= 0 && from+i < cut && from+i+len(f) > cut {
				cut, moved = from+i, true
			}
		}
	}
	return cut
}
