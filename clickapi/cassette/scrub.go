package cassette

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/clickscript/clickscript/clickapi"
)

// secretKeys returns the JSON members whose string values are always replaced
// with REDACTED, compared case-insensitively: the login's password and the
// token it answers, and an API token's value and encryption key.
func secretKeys() []string {
	return []string{"token", "jwtToken", "password", "encryptionKey"}
}

// scrubber removes secrets from the strings of a recording.
type scrubber struct {
	tokens  []string          // literal token values to remove, besides any token=... parameter
	secrets *clickapi.Secrets // more values to remove (nil: none)
}

// str returns s with every token=... parameter and every known token value
// replaced by REDACTED.
func (sc scrubber) str(s string) string {
	s = clickapi.Redact(s)
	for _, t := range sc.tokens {
		s = clickapi.RedactToken(s, t)
	}
	return sc.secrets.Redact(s)
}

// payload classifies and scrubs a body: JSON (compacted) in Body, other
// UTF-8 text in BodyText, other bytes in BodyBase64.
func (sc scrubber) payload(b []byte) Payload {
	if len(b) == 0 {
		return Payload{}
	}
	if json.Valid(b) {
		var buf bytes.Buffer
		if json.Compact(&buf, b) == nil && buf.String() != "null" {
			return Payload{Body: sc.json(buf.Bytes())}
		}
	}
	s := sc.str(string(b))
	if utf8.ValidString(s) {
		return Payload{BodyText: s}
	}
	return Payload{BodyBase64: []byte(s)}
}

// json scrubs every string of the compact JSON value b, keys included, and
// redacts the string values of secret keys. Strings that need no change
// keep their exact bytes.
func (sc scrubber) json(b []byte) json.RawMessage {
	out := make([]byte, 0, len(b))
	secretValue := false
	for i := 0; i < len(b); {
		c := b[i]
		if c != '"' {
			out = append(out, c)
			if c != ':' {
				secretValue = false
			}
			i++
			continue
		}
		end := stringEnd(b, i)
		lit := b[i:end]
		isKey := end < len(b) && b[end] == ':'
		var s string
		if json.Unmarshal(lit, &s) != nil {
			out = append(out, lit...)
			i = end
			continue
		}
		clean := sc.str(s)
		if !isKey && secretValue && s != "" {
			clean = clickapi.Redacted
		}
		secretValue = isKey && isSecretKey(s)
		if clean == s {
			out = append(out, lit...)
		} else {
			out = append(out, quote(clean)...)
		}
		i = end
	}
	return out
}

// stringEnd returns the index just past the JSON string literal starting
// at b[start] (a quote).
func stringEnd(b []byte, start int) int {
	for i := start + 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

func isSecretKey(k string) bool {
	return slices.ContainsFunc(secretKeys(), func(s string) bool { return strings.EqualFold(s, k) })
}

// quote encodes s as a JSON string without HTML escaping.
func quote(s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// tokensIn returns the values of the token parameters of a raw query, its
// name in any case.
func tokensIn(rawQuery string) []string {
	var out []string
	for _, pair := range strings.Split(rawQuery, "&") {
		k, v, _ := strings.Cut(pair, "=")
		if !isTokenName(k) {
			continue
		}
		if u, err := url.QueryUnescape(v); err == nil {
			v = u
		}
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

func isTokenName(k string) bool {
	if u, err := url.QueryUnescape(k); err == nil {
		k = u
	}
	return strings.EqualFold(k, clickapi.TokenParam)
}

// normalizeQuery drops the token parameters of a raw query and sorts the
// rest as url.Values.Encode does; a query that does not parse keeps its
// raw pairs, sorted.
func normalizeQuery(rawQuery string) string {
	var kept []string
	for _, pair := range strings.Split(rawQuery, "&") {
		k, _, _ := strings.Cut(pair, "=")
		if pair != "" && !isTokenName(k) {
			kept = append(kept, pair)
		}
	}
	joined := strings.Join(kept, "&")
	if v, err := url.ParseQuery(joined); err == nil {
		return v.Encode()
	}
	slices.Sort(kept)
	return strings.Join(kept, "&")
}

// request returns the recorded form of a request: scrubbed, its query
// normalized, its body classified.
func (sc scrubber) request(method string, u *url.URL, body []byte) Request {
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return Request{
		Method:  method,
		Path:    sc.str(path),
		Query:   sc.str(normalizeQuery(u.RawQuery)),
		Payload: sc.payload(body),
	}
}

// headers returns the kept response headers, scrubbed, under lowercase names.
func (sc scrubber) headers(h http.Header) map[string]string {
	var out map[string]string
	for _, name := range keptHeaders() {
		vs := h.Values(name)
		if len(vs) == 0 {
			continue
		}
		if out == nil {
			out = make(map[string]string)
		}
		out[name] = sc.str(strings.Join(vs, ", "))
	}
	return out
}
