package cassette

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/clickscript/clickscript/clickapi"
)

// ErrMismatch is matched by errors.Is for every *MismatchError: a request
// the cassette does not hold. Retrying such a request cannot succeed.
var ErrMismatch = errors.New("cassette: request does not match the recording")

// MismatchError reports a request that a Replayer could not match to an
// unused interaction of its cassette. Its message shows the expected and
// the actual request, scrubbed of the token.
type MismatchError struct {
	N        int      // the request's number, from 1, among all the Replayer was sent
	Recorded int      // how many interactions the cassette holds
	Expected *Request // the next unused interaction's request; nil when all are used
	Actual   Request  // the request that was sent, scrubbed and normalized
}

// bodyExcerpt is how many bytes of a body a MismatchError shows.
const bodyExcerpt = 200

// Error returns a multi-line message: the expected and actual request side
// by side, with their bodies when those differ.
func (e *MismatchError) Error() string {
	if e.Expected == nil {
		s := fmt.Sprintf("cassette: request %d: the recording holds only %d %s; got %s",
			e.N, e.Recorded, plural(e.Recorded, "request"), requestLine(e.Actual))
		if b := describeBody(e.Actual.Payload); b != "" {
			s += "\n  body: " + b
		}
		return clickapi.Redact(s)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "cassette: request %d does not match the recording\n", e.N)
	fmt.Fprintf(&b, "  expected: %s\n", requestLine(*e.Expected))
	fmt.Fprintf(&b, "  actual:   %s", requestLine(e.Actual))
	exp, act := describeBody(e.Expected.Payload), describeBody(e.Actual.Payload)
	if !samePayload(e.Expected.Payload, e.Actual.Payload) {
		fmt.Fprintf(&b, "\n  expected body: %s\n  actual body:   %s", orNone(exp), orNone(act))
	}
	return clickapi.Redact(b.String())
}

// Is reports whether target is ErrMismatch.
func (e *MismatchError) Is(target error) bool { return target == ErrMismatch }

// Temporary reports false: replaying the same request fails the same way.
func (e *MismatchError) Temporary() bool { return false }

// Permanent reports true: the request can never succeed against this
// cassette, so a client must not retry it. It lets clickapi, which cannot
// import this package, recognise the error with errors.As and an interface.
func (e *MismatchError) Permanent() bool { return true }

// Timeout reports false: a mismatch is not a timeout.
func (e *MismatchError) Timeout() bool { return false }

func requestLine(r Request) string {
	s := r.Method + " " + r.Path
	if r.Query != "" {
		s += "?" + r.Query
	}
	return s
}

// describeBody shows a body on one line, abbreviated: JSON compacted, text
// quoted, other bytes as base64. It returns "" for no body.
func describeBody(p Payload) string {
	switch {
	case len(p.Body) > 0:
		return abbreviate(string(p.Bytes()), bodyExcerpt)
	case p.BodyText != "":
		return "text " + strconv.Quote(abbreviate(p.BodyText, bodyExcerpt))
	case len(p.BodyBase64) > 0:
		return fmt.Sprintf("%d bytes of binary data", len(p.BodyBase64))
	}
	return ""
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// abbreviate cuts s to at most n bytes, on a rune boundary, marking the cut
// with "...".
func abbreviate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
