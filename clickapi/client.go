package clickapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	gojson "github.com/goccy/go-json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Options configures a Client. The zero value talks to DefaultBaseURL with
// no token, the default retry policy and no logging.
type Options struct {
	BaseURL    string        // e.g. "http://localhost:29123"; any port, no trailing path needed
	Token      string        // the session or API token; sent as the token query parameter
	HTTPClient *http.Client  // nil: a client with keep-alive sized for concurrent batches
	Retry      RetryPolicy   // zero value: DefaultRetryPolicy
	Timeout    time.Duration // per attempt; 0: DefaultTimeout (import: 4 times as long)
	Logger     *slog.Logger  // nil: no logging; request lines are logged at debug level, scrubbed
	// Relogin, when set, is called after a 401 to get a new token (see
	// relogin.go): the client then uses it and resends the request once.
	Relogin func(ctx context.Context) (token string, err error)
	// Concurrency bounds the requests in flight at once, listings and bulk
	// writes together (see Limiter); 0: DefaultConcurrency.
	Concurrency int
	// Sequential sends one request at a time in a fixed order: the limit
	// is 1 and listings fetch a page only when the one before is used up.
	// Recordings rely on it.
	Sequential bool
	// MaxResponse is the largest answer body accepted, in bytes; a larger
	// one fails with ErrResponseTooLarge. 0: DefaultMaxResponse.
	MaxResponse int64
	// Secrets is the run's set of secret values: the client registers its
	// token, a login's password and the tokens it receives in it, and
	// scrubs all of them from its errors and log lines. nil: a set of the
	// client's own.
	Secrets *Secrets
}

// DefaultConcurrency is how many requests a Client has in flight at most
// unless Options.Concurrency says otherwise.
const DefaultConcurrency = 4

// DefaultMaxResponse is the largest answer body a Client accepts unless
// Options.MaxResponse says otherwise: 64 MiB, far above any page.
const DefaultMaxResponse = 64 << 20

// Client speaks the Click API. It is safe for concurrent use.
type Client struct {
	base    *url.URL
	http    *http.Client
	retry   RetryPolicy
	timeout time.Duration
	log     *slog.Logger
	token   atomic.Pointer[string]
	relogin *relogin // nil without Options.Relogin
	secrets *Secrets // the token, passwords and API tokens seen; scrubbed (secrets.go)
	limiter *Limiter
	seq     bool
	maxBody int64
}

// New returns a Client for opts. It fails only on a malformed BaseURL.
func New(opts Options) (*Client, error) {
	raw := opts.BaseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	base, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("clickapi: base URL %q: want http://host:port", Redact(raw))
	}
	if base.RawQuery != "" {
		return nil, fmt.Errorf("clickapi: base URL %q: must not have a query (pass the token in Options.Token)", Redact(raw))
	}
	c := &Client{
		base:    base,
		retry:   opts.Retry.withDefaults(),
		timeout: opts.Timeout,
		log:     opts.Logger,
		seq:     opts.Sequential,
		maxBody: opts.MaxResponse,
		secrets: opts.Secrets,
	}
	if c.secrets == nil {
		c.secrets = &Secrets{}
	}
	// The agent never redirects: a redirect would carry the token (in the
	// URL and the Referer) or a login's password to wherever it points, so
	// the client never follows one, whatever http.Client it was given.
	hc := http.Client{Transport: NewTransport()}
	if opts.HTTPClient != nil {
		hc = *opts.HTTPClient
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.http = &hc
	conc := opts.Concurrency
	if conc <= 0 {
		conc = DefaultConcurrency
	}
	if c.seq {
		conc = 1
	}
	c.limiter = NewLimiter(conc, c.retry.MaxRetryAfter)
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxResponse
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.SetToken(opts.Token)
	c.relogin = newRelogin(opts.Relogin)
	return c, nil
}

// NewTransport returns the HTTP transport New uses by default: the standard
// one, with enough idle keep-alive connections for concurrent batches.
func NewTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 64
	t.MaxIdleConnsPerHost = 32
	return t
}

// SetToken replaces the token used by later requests (after a new login)
// and registers it with the client's Secrets.
func (c *Client) SetToken(token string) {
	c.secrets.Add(token)
	c.token.Store(&token)
}

// Token returns the token the client sends.
func (c *Client) Token() string { return *c.token.Load() }

// BaseURL returns the agent's base URL.
func (c *Client) BaseURL() string { return c.base.String() }

// Limiter returns the limiter every request of the client goes through.
func (c *Client) Limiter() *Limiter { return c.limiter }

// Sequential reports whether the client sends one request at a time in a
// fixed order (Options.Sequential).
func (c *Client) Sequential() bool { return c.seq }

// call describes one API request.
type call struct {
	method     string
	route      string
	query      url.Values
	body       any  // marshalled as JSON when not nil
	idempotent bool // safe to resend after it may have reached the agent
	public     bool // sent without a token
	// deletes: a NOT_FOUND answer to a resend, after an earlier attempt
	// may have landed, means that attempt did the job (I11).
	deletes bool
	slow    bool // may take long (import): the timeout is ImportTimeout/DefaultTimeout times longer
}

func (r call) endpoint() string { return r.method + " " + r.route }

// do sends the call, retrying as the policy allows, and decodes a 2xx JSON
// body into out when out is not nil. Every error it returns names the
// endpoint and never contains the token.
func (c *Client) do(ctx context.Context, r call, out any) error {
	token := c.Token()
	err := c.send(ctx, r, token, out)
	if err != nil && !r.public && c.relogin != nil && errors.Is(err, ErrUnauthorized) {
		err = c.resendAfterLogin(ctx, r, token, out, err)
	}
	return c.redactSecrets(redactError(err, token))
}

// send sends the call with token, resending as the retry policy allows.
// A request that needed resends is logged once, at info level, when it
// ends: its method, path, attempts and why each resend happened.
func (c *Client) send(ctx context.Context, r call, token string, out any) (err error) {
	var retries []string // why each resend happened: "503", "connection reset", ...
	defer func() {
		if len(retries) > 0 {
			c.logRetries(ctx, r, retries, err, token)
		}
	}()
	// unsure: some attempt of a write may have been applied by the agent
	// without an answer saying so (see ErrOutcomeUnknown).
	unsure := false
	defer func() {
		if err != nil && unsure && r.method != http.MethodGet {
			err = &unknownOutcomeError{err}
		}
	}()
	var payload []byte
	if r.body != nil {
		var err error
		if payload, err = json.Marshal(r.body); err != nil {
			return fmt.Errorf("%s: encode body: %w", r.endpoint(), err)
		}
	}
	u := *c.base
	u.Path = c.base.Path + r.route
	q := r.query
	if !r.public {
		q = cloneValues(q)
		q.Set(TokenParam, token)
	}
	u.RawQuery = q.Encode()
	target := u.String()

	maybeApplied := false // an earlier attempt may have reached the agent
	for attempt := 1; ; attempt++ {
		permit, err := c.limiter.Acquire(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", r.endpoint(), err)
		}
		start := time.Now()
		resp, sent, err := c.attempt(ctx, r, target, payload)
		if err != nil {
			permit.Release(Neutral, 0)
			maybeApplied = maybeApplied || sent
			unsure = unsure || sent
			if ctxErr := ctx.Err(); ctxErr != nil {
				return fmt.Errorf("%s: %w", r.endpoint(), ctxErr)
			}
			retry := attempt < c.retry.MaxAttempts && (r.idempotent || !sent) && !permanent(err)
			c.log.LogAttrs(ctx, slog.LevelDebug, "request failed", slog.String("endpoint", r.endpoint()),
				slog.Int("attempt", attempt), slog.Bool("will_retry", retry), slog.String("error", RedactToken(err.Error(), token)))
			if !retry {
				return fmt.Errorf("%s: %w", r.endpoint(), err)
			}
			retries = append(retries, transportReason(err))
			if err := c.retry.sleep(ctx, attempt, 0); err != nil {
				return fmt.Errorf("%s: %w", r.endpoint(), err)
			}
			continue
		}
		c.log.LogAttrs(ctx, slog.LevelDebug, "request", slog.String("endpoint", r.endpoint()),
			slog.Int("status", resp.StatusCode), slog.Duration("duration", time.Since(start)), slog.Int("attempt", attempt))
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			drainClose(resp.Body)
			permit.Release(Neutral, 0)
			return redirectError(resp, r.endpoint())
		}
		if apiErr := CheckResponse(resp, r.endpoint()); apiErr != nil {
			drainClose(resp.Body)
			var e *APIError
			errors.As(apiErr, &e)
			e.BaseURL, e.NoToken = c.displayBase(), !r.public && token == ""
			permit.Release(outcome(e.Status), e.RetryAfter)
			unsure = unsure || mayHaveWorked(e.Status)
			if r.deletes && maybeApplied && e.Type == CodeNotFound && NotFoundAfterResendIsDone {
				c.log.LogAttrs(ctx, slog.LevelDebug, "NOT_FOUND on a resend: an earlier attempt deleted it",
					slog.String("endpoint", r.endpoint()), slog.Int("attempt", attempt))
				return nil
			}
			if r.idempotent && retryableStatus(e.Status) && attempt < c.retry.MaxAttempts {
				maybeApplied = true
				retries = append(retries, strconv.Itoa(e.Status))
				if err := c.retry.sleep(ctx, attempt, e.RetryAfter); err != nil {
					return fmt.Errorf("%s: %w", r.endpoint(), err)
				}
				continue
			}
			return apiErr
		}
		buf := bodyBuffer()
		data, err := c.readBody(resp, out != nil, buf)
		drainClose(resp.Body)
		permit.Release(Success, 0)
		if errors.Is(err, ErrResponseTooLarge) {
			releaseBodyBuffer(buf)
			return fmt.Errorf("%s: %w", r.endpoint(), err)
		}
		if err == nil {
			err = decodeBody(data, resp.Header.Get("Content-Type"), out)
		}
		releaseBodyBuffer(buf) // decodeBody copies what it keeps
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				// The caller gave up (a listing closed, Ctrl-C) while the
				// body was read: not an unreadable answer, and no resend.
				return fmt.Errorf("%s: %w", r.endpoint(), ctxErr)
			}
			var bad *malformedError
			// A body cut short or garbled on the way (a dropped connection,
			// a proxy) is worth another try when resending is safe; one
			// that parses but breaks the contract is not.
			maybeApplied = true
			if r.idempotent && attempt < c.retry.MaxAttempts && !errors.As(err, &bad) {
				c.log.LogAttrs(ctx, slog.LevelDebug, "bad response body", slog.String("endpoint", r.endpoint()),
					slog.Int("attempt", attempt), slog.String("error", RedactToken(err.Error(), token)))
				retries = append(retries, bodyReason(err))
				if err := c.retry.sleep(ctx, attempt, 0); err != nil {
					return fmt.Errorf("%s: %w", r.endpoint(), err)
				}
				continue
			}
			return fmt.Errorf("%s: %w: %w", r.endpoint(), ErrBadResponse, err)
		}
		return nil
	}
}

// logRetries logs, at info level, a request that needed resends: so that
// a flaky agent shows without debug logging. reasons holds one entry per
// resend; err is how the request ended.
func (c *Client) logRetries(ctx context.Context, r call, reasons []string, err error, token string) {
	result := "ok"
	if err != nil {
		result = c.secrets.Redact(RedactToken(err.Error(), token))
	}
	c.log.LogAttrs(ctx, slog.LevelInfo, "request retried", slog.String("method", r.method), slog.String("path", r.route),
		slog.Int("attempts", len(reasons)+1), slog.String("reasons", strings.Join(reasons, ", ")), slog.String("result", result))
}

// transportReason names, in a few words, why an attempt got no answer.
func transportReason(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	}
	return "connection error"
}

// bodyReason names why a 2xx answer could not be used.
func bodyReason(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "answer cut short"
	}
	return "unreadable answer"
}

// displayBase is the base URL as messages show it: without credentials.
func (c *Client) displayBase() string {
	u := *c.base
	if u.User != nil {
		u.User = url.User(Redacted)
	}
	return Redact(u.String())
}

// outcome is what an error status tells the limiter: 429 and 503 say the
// agent is overloaded.
func outcome(status int) Outcome {
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		return Overloaded
	}
	return Neutral
}

// ErrResponseTooLarge: an answer's body is larger than Options.MaxResponse.
var ErrResponseTooLarge = errors.New("answer too large")

// ErrRedirect: the agent answered with a redirect, which the client never
// follows (it would carry the token or a password elsewhere).
var ErrRedirect = errors.New("redirect refused: the agent never redirects, and following would send the token or password along")

// redirectError reports a 3xx answer: its status and where it pointed,
// with credentials in the Location scrubbed and control characters quoted.
func redirectError(resp *http.Response, endpoint string) error {
	loc := resp.Header.Get("Location")
	if u, err := url.Parse(loc); err == nil && u.User != nil {
		u.User = url.User(Redacted)
		loc = u.String()
	}
	if loc == "" {
		loc = "(no Location)"
	}
	return fmt.Errorf("%s: %d %s to %q: %w", endpoint, resp.StatusCode, http.StatusText(resp.StatusCode), Redact(loc), ErrRedirect)
}

// readBody reads a 2xx body whole, up to the client's cap; want false
// reads nothing (the caller drains it).
// readBody reads a body into buf and returns its bytes, which are buf's:
// they are valid until buf is released.
func (c *Client) readBody(resp *http.Response, want bool, buf *bytes.Buffer) ([]byte, error) {
	if !want {
		return nil, nil
	}
	if resp.ContentLength > c.maxBody {
		return nil, c.tooLarge(resp.ContentLength)
	}
	if _, err := buf.ReadFrom(io.LimitReader(resp.Body, c.maxBody+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > c.maxBody {
		return nil, c.tooLarge(-1)
	}
	return buf.Bytes(), nil
}

// Bodies are read into pooled buffers: a listing reads page after page of
// about the same size, and reading each into a fresh, growing slice made
// as much garbage as the page's records.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBody is the largest buffer put back in the pool; a rare huge
// answer is left to the collector rather than held.
const maxPooledBody = 4 << 20

func bodyBuffer() *bytes.Buffer { return bodyBuffers.Get().(*bytes.Buffer) }

func releaseBodyBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledBody {
		return
	}
	clear(b.Bytes()) // a body kept by mistake reads as zeros, not as another page
	b.Reset()
	bodyBuffers.Put(b)
}

func (c *Client) tooLarge(size int64) error {
	what := "more than"
	if size >= 0 {
		what = fmt.Sprintf("%d bytes, over", size)
	}
	return fmt.Errorf("%w: the body is %s the cap of %d bytes (raise it with --max-response)", ErrResponseTooLarge, what, c.maxBody)
}

// attempt sends one request. sent reports whether any of it may have
// reached the agent: false only when the request headers were never
// written, which is what makes a non-idempotent retry safe.
func (c *Client) attempt(ctx context.Context, r call, target string, payload []byte) (resp *http.Response, sent bool, err error) {
	timeout := c.timeout
	if r.slow {
		timeout = c.timeout * (ImportTimeout / DefaultTimeout)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	var wrote atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteHeaders: func() { wrote.Store(true) }})
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, body)
	if err != nil {
		cancel()
		return nil, false, err
	}
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err = c.http.Do(req)
	if err != nil {
		cancel()
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			err = fmt.Errorf("no answer within %s: %w", timeout, err)
		}
		return nil, wrote.Load(), err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, true, nil
}

// permanent reports whether a transport error says that resending cannot
// help: a replayed recording that lacks the request, say. Such errors
// implement Permanent() bool.
func permanent(err error) bool {
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}

// cancelOnClose releases an attempt's timeout context once its body is read.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// decodeBody decodes a 2xx body into out. An empty body is fine when out is
// nil (the agent answers writes with a bare 200). When out checks itself
// (a Collection refuses null rows), the check runs on the same body.
func decodeBody(data []byte, contentType string, out any) error {
	if out == nil {
		return nil
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return errors.New("empty body")
	}
	// goccy/go-json decodes the same JSON into the same structs as
	// encoding/json, about twice as fast: decoding pages was the largest
	// cost of a listing (see BENCHMARKS.md).
	if err := gojson.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode (%s): %w", orUnknown(contentType), err)
	}
	if v, ok := out.(bodyChecker); ok {
		if err := v.checkBody(data); err != nil {
			return &malformedError{err}
		}
	}
	return nil
}

// bodyChecker is an answer type that checks what decoding cannot see.
type bodyChecker interface {
	checkBody(data []byte) error
}

// malformedError is a body that parses but breaks the contract: resending
// will not help.
type malformedError struct{ err error }

func (e *malformedError) Error() string { return e.err.Error() }
func (e *malformedError) Unwrap() error { return e.err }

func orUnknown(ct string) string {
	if ct == "" {
		return "no content type"
	}
	return ct
}

// drainClose reads what is left of a body (so the connection is reused) and closes it.
func drainClose(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 1<<20))
	_ = body.Close()
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v)+1)
	for k, vs := range v {
		out[k] = vs
	}
	return out
}
