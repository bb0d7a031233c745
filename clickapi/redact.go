package clickapi

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// tokenPattern matches the token query parameter in a URL or any text that
// embeds one: "token=...", up to the next separator. It is case-insensitive
// because the agent binds query names case-insensitively. A backslash is a
// separator too: in a JSON line (an audit entry's error) the URL's closing
// quote is escaped, and eating the backslash would break the line. It is
// compiled on first use rather than at program start.
var tokenPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)(\btoken=)[^&\s"'#<>\\]*`)
})

// Redacted replaces the token's value in a scrubbed string.
const Redacted = "REDACTED"

// Redact returns s with the value of every token=... query parameter
// replaced by REDACTED. It is the one place that scrubs the session token
// from URLs, error messages, log lines, recordings and history; everything
// that prints a URL goes through it.
func Redact(s string) string {
	if !mayHoldTokenParam(s) {
		return s
	}
	return tokenPattern().ReplaceAllString(s, "${1}"+Redacted)
}

// mayHoldTokenParam is the cheap test before tokenPattern, on the path of
// every write to a redacted stream: false when no "=" follows an "n" or
// "N", the last letter of every spelling tokenPattern matches (its
// case-insensitive "k" also matches the Kelvin sign, so the test looks at
// the letter before "=" only).
func mayHoldTokenParam[T string | []byte](s T) bool {
	for i := 1; i < len(s); i++ {
		if s[i] == '=' && (s[i-1] == 'n' || s[i-1] == 'N') {
			return true
		}
	}
	return false
}

// RedactToken returns s with the token scrubbed both as a query parameter
// and, when token is at least MinSecretLength long, wherever its literal
// value appears (a token echoed in a body or typed into a script, say).
func RedactToken(s, token string) string {
	s = Redact(s)
	if len(token) >= MinSecretLength {
		s = strings.ReplaceAll(s, token, Redacted)
	}
	return s
}

// redactedError wraps an error whose message may contain a URL with the
// token in it (a *url.Error from net/http, say). Error() scrubs the message;
// Unwrap keeps errors.Is and errors.As working on the original chain.
type redactedError struct {
	err   error
	token string
}

func (e *redactedError) Error() string { return RedactToken(e.err.Error(), e.token) }
func (e *redactedError) Unwrap() error { return e.err }

// redactError wraps err so that its message never shows the token. It also
// scrubs the URL of a *url.Error in the chain, so that code unwrapping it
// with errors.As cannot print the token either.
func redactError(err error, token string) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = Redact(ue.URL)
	}
	var r *redactedError
	if errors.As(err, &r) {
		return err
	}
	return &redactedError{err: err, token: token}
}
