package clickapi

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/clickscript/clickscript/internal/printable"
)

// Sentinel errors, matched with errors.Is against an *APIError.
var (
	// ErrUnauthorized: the agent answered 401; the token is missing, wrong
	// or expired, and the caller must log in again [click:errors.md]. The
	// client never resends a 401 with the same token (INFERRED I17).
	ErrUnauthorized = errors.New("token rejected or expired: log in again")
	// ErrNoToken: the agent answered 401 to a request sent without a
	// token, because none is configured. errors.Is(err, ErrUnauthorized)
	// holds too.
	ErrNoToken = errors.New("no token is configured: log in with `clickscript login`, or set CLICK_TOKEN (or --token-file) to an API token")
	// ErrLoginRefused: login answered 401 (or the Web twin's 499 AUTH): bad
	// credentials or a login type the user does not have
	// [click:errors.md] [web:authentication.md].
	ErrLoginRefused = errors.New("login refused: check the username, password and --type")
	// ErrPaymentRequired: import_users answered 402, before doing any work:
	// the account has no active billing subscription [web:usergroup.md].
	ErrPaymentRequired = errors.New("no active subscription: the account's billing subscription must be active to import users; nothing was imported")
	// ErrWrongCode: mfa_respond answered 499 TOTP: a wrong code or a stale
	// session [web:authentication.md].
	ErrWrongCode = errors.New("wrong code")
	// ErrNotFound: a 499 NOT_FOUND answer (an unknown or deleted id).
	ErrNotFound = errors.New("not found")
	// ErrDuplicate: a 499 DUPLICATE answer (a name already in use).
	ErrDuplicate = errors.New("duplicate")
	// ErrBadResponse: a 2xx answer whose body is not what the contract says.
	ErrBadResponse = errors.New("unexpected response body")
)

// APIError is every non-2xx answer of the agent. Endpoint is "METHOD
// /route", never a URL, so the error cannot carry the token. Type and
// Messages are what the agent said, as it said it; Error shows them with
// control characters escaped (see package printable), so that printing an
// error cannot drive the terminal.
type APIError struct {
	Status     int
	Type       string   // the problem type (Code...), or the error-code header; DEFAULT for a 499 with neither
	Messages   []string // the problem's messages, sorted by key
	Endpoint   string
	Body       string        // a short, scrubbed excerpt of a body that is not a problem document
	RetryAfter time.Duration // from a Retry-After header, if any
	// BaseURL is the agent's base URL, without credentials (a Client
	// never has a query in it): set by the Client, for messages that
	// must say which server answered (a 404).
	BaseURL string
	// NoToken: the request needed a token and was sent without one,
	// because the Client has none (set by the Client).
	NoToken bool
}

// Error reads like "POST /usergroup/insert: 499 DUPLICATE: A resource with
// the same name already exists.". What the agent said is escaped: an
// escape sequence or a CR in a message shows as "\x1b" or "\x0d".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Endpoint)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.Status))
	switch {
	case e.loginRefused():
		b.WriteString(" ")
		b.WriteString(cmp.Or(e.Type, http.StatusText(e.Status)))
		b.WriteString(": ")
		b.WriteString(ErrLoginRefused.Error())
		return b.String()
	case e.Status == http.StatusUnauthorized && e.NoToken:
		b.WriteString(" Unauthorized: ")
		b.WriteString(ErrNoToken.Error())
		return b.String()
	case e.Status == http.StatusUnauthorized:
		b.WriteString(" Unauthorized: ")
		b.WriteString(ErrUnauthorized.Error())
		return b.String()
	case e.Status == StatusPaymentRequired:
		b.WriteString(" Payment Required: ")
		b.WriteString(ErrPaymentRequired.Error())
		if len(e.Messages) > 0 {
			fmt.Fprintf(&b, " (%s: %s)", printable.Escape(cmp.Or(e.Type, "no code")), e.messages())
		}
		return b.String()
	case e.Type != "":
		b.WriteString(" ")
		b.WriteString(printable.Escape(e.Type))
	default:
		if t := http.StatusText(e.Status); t != "" {
			b.WriteString(" ")
			b.WriteString(t)
		}
	}
	switch {
	case len(e.Messages) > 0:
		b.WriteString(": ")
		b.WriteString(e.messages())
	case e.Body != "":
		b.WriteString(": ")
		b.WriteString(e.Body)
	case e.Status == StatusValidation || e.Status >= 500:
		b.WriteString(" (no body)")
	}
	switch {
	case e.Type != "":
	case e.Status == http.StatusNotFound && e.BaseURL != "":
		// INFERRED I24: the framework's answer to a route it does not
		// know; most often, the URL is not the agent's.
		fmt.Fprintf(&b, " (%s does not serve this route: check that --url (or CLICK_URL) is the agent's address; if it is, the agent is older or newer than the contract)", printable.Escape(e.BaseURL))
	case e.Status == http.StatusNotFound || e.Status == http.StatusMethodNotAllowed:
		// INFERRED I24: the framework's answer to a route or method it
		// does not know.
		b.WriteString(" (the agent does not serve this route: is it an older or newer agent than the contract?)")
	}
	return b.String()
}

// messages joins the agent's messages, escaped.
func (e *APIError) messages() string {
	ms := make([]string, len(e.Messages))
	for i, m := range e.Messages {
		ms[i] = printable.Escape(m)
	}
	return strings.Join(ms, "; ")
}

// loginRefused reports whether e is login's answer to bad credentials.
func (e *APIError) loginRefused() bool {
	if e.Endpoint != http.MethodPost+" "+RouteLogin {
		return false
	}
	return e.Status == http.StatusUnauthorized || (AuthCodeMeansLoginRefused && e.Status == StatusValidation && e.Type == CodeAuth)
}

// Is makes errors.Is work with ErrUnauthorized, ErrNoToken, ErrLoginRefused,
// ErrPaymentRequired, ErrWrongCode, ErrNotFound and ErrDuplicate.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized && !e.loginRefused()
	case ErrNoToken:
		return e.Status == http.StatusUnauthorized && e.NoToken && !e.loginRefused()
	case ErrLoginRefused:
		return e.loginRefused()
	case ErrPaymentRequired:
		return e.Status == StatusPaymentRequired
	case ErrWrongCode:
		return e.Status == StatusValidation && e.Type == CodeTOTP
	case ErrNotFound:
		return e.Type == CodeNotFound
	case ErrDuplicate:
		return e.Type == CodeDuplicate
	}
	return false
}

// maxErrorBody caps how much of an error body is read and kept.
const maxErrorBody = 64 << 10

// CheckResponse returns nil for a 2xx answer and an *APIError otherwise,
// built from the 499 problem document, the error-code header, or an excerpt
// of a body that is not JSON (an HTML page from a proxy, say). endpoint is
// "METHOD /route". It reads, but does not close, a non-2xx body.
func CheckResponse(resp *http.Response, endpoint string) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	e := &APIError{
		Status:     resp.StatusCode,
		Type:       resp.Header.Get(ErrorCodeHeader),
		Endpoint:   endpoint,
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
	}
	defer func() {
		if e.Status == StatusValidation && e.Type == "" {
			// A 499 is a validation error whatever its body says [click:errors.md].
			e.Type = CodeDefault
		}
	}()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if len(strings.TrimSpace(string(data))) == 0 {
		return e
	}
	var p ProblemDetails
	if isJSON(resp.Header.Get("Content-Type"), data) && json.Unmarshal(data, &p) == nil && (p.Type != "" || len(p.Errors) > 0) {
		if p.Type != "" {
			e.Type = p.Type
		}
		e.Messages = problemMessages(p)
		for i, m := range e.Messages {
			e.Messages[i] = Redact(m)
		}
		return e
	}
	e.Body = excerpt(resp.Header.Get("Content-Type"), data)
	return e
}

// problemMessages flattens a problem's errors map in a stable order: the
// messages under the problem's own type first, then the other keys sorted.
func problemMessages(p ProblemDetails) []string {
	var msgs []string
	msgs = append(msgs, p.Errors[p.Type]...)
	keys := make([]string, 0, len(p.Errors))
	for k := range p.Errors {
		if k != p.Type {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, m := range p.Errors[k] {
			msgs = append(msgs, k+": "+m)
		}
	}
	if len(msgs) == 0 && p.Title != "" {
		msgs = append(msgs, p.Title)
	}
	return msgs
}

func isJSON(contentType string, data []byte) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	if strings.HasSuffix(mt, "json") {
		return true
	}
	s := strings.TrimSpace(string(data))
	return mt == "" && (strings.HasPrefix(s, "{") || strings.HasPrefix(s, "["))
}

// excerpt describes a body that is not a problem document: its content type
// and its first line or so, with HTML tags and the token scrubbed.
func excerpt(contentType string, data []byte) string {
	const max = 160
	s := string(data)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	s = Redact(stripTags(s))
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "" {
		mt = "unknown content type"
	}
	return fmt.Sprintf("unexpected %s body: %q", mt, s)
}

// stripTags drops <...> markup so an HTML error page reads as its text.
func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>' && in:
			in = false
			b.WriteByte(' ')
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
