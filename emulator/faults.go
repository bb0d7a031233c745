package emulator

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault kinds, as a fault spec and FaultCounts name them.
const (
	FaultRateLimit   = "429"          // 429 Too Many Requests with a Retry-After header
	FaultUnavailable = "503"          // 503 Service Unavailable, empty body
	FaultInternal    = "500"          // 500 Internal Server Error, empty body
	FaultResetBefore = "reset-before" // connection reset before the request is served: nothing applied
	FaultResetAfter  = "reset-after"  // request served (a write IS applied), then the connection reset, no answer
	FaultTruncate    = "truncate"     // real status and headers, half the body, then the connection closes
	FaultMalformed   = "malformed"    // a 200 JSON body replaced by something that is not JSON
	FaultLatency     = "latency"      // a delay before the request is served
)

// defaultRetryAfter is the Retry-After of injected 429 answers unless a
// spec says otherwise.
const defaultRetryAfter = time.Second

// Faults says which failures an Emulator injects, and how often. Faults
// apply only to the protected routes (every route that needs a token; never
// agent_status, login, mfa_respond or logout). The zero value injects nothing.
//
// Each share is the probability, 0 to 1, that a protected request gets that
// fault. At most one of the answer faults (RateLimit through Malformed)
// hits a request, so their shares must add up to at most 1; Latency is
// drawn separately and comes on top of them. The choice comes from a PCG
// generator seeded with Seed, so a run whose requests arrive in the same
// order injects the same faults.
//
// Build one with ParseFaults, or by hand.
type Faults struct {
	RateLimit   float64 // 429 with "Retry-After: RetryAfter"
	Unavailable float64 // 503 with no body
	Internal    float64 // 500 with no body
	ResetBefore float64 // connection reset before the handler runs: nothing is applied
	ResetAfter  float64 // handler runs (a write is applied), then the connection is reset unanswered
	Truncate    float64 // status and headers as served, the first half of the body, then close; empty bodies pass
	Malformed   float64 // a non-empty 200 body is replaced by one that is not JSON; other answers pass

	Latency      float64       // share of requests that wait LatencyDelay, then are served even if the client gave up
	LatencyDelay time.Duration // must be positive when Latency is

	// RetryAfter is what 429 answers send in Retry-After, in whole
	// seconds; 0 sends "Retry-After: 0". ParseFaults makes it 1s unless
	// the spec sets retry-after.
	RetryAfter time.Duration

	// Routes limits the faults to these paths, separated by "+"
	// ("/usergroup/import_users+/usergroup/unassign_user"), matched like
	// the routes themselves, ignoring case; other requests are served
	// untouched and draw nothing from the generator. Empty: every
	// protected route.
	Routes string

	// Seed seeds the generator that picks the faults.
	Seed uint64
}

// routeList returns the paths of Routes, lower-cased; nil for every route.
func (f Faults) routeList() []string {
	if strings.TrimSpace(f.Routes) == "" {
		return nil
	}
	var out []string
	for p := range strings.SplitSeq(f.Routes, "+") {
		out = append(out, routeKey(strings.TrimSpace(p)))
	}
	return out
}

// covers reports whether the faults apply to a request for path.
func (f Faults) covers(path string) bool {
	list := f.routeList()
	return list == nil || slices.Contains(list, routeKey(path))
}

// answerFault is one fault kind that replaces or spoils the answer, with
// the share of requests it hits.
type answerFault struct {
	kind  string
	share float64
}

// answers lists the answer faults in the fixed order the generator's draw
// walks them, whatever order a spec gave them in.
func (f Faults) answers() []answerFault {
	return []answerFault{
		{FaultRateLimit, f.RateLimit},
		{FaultUnavailable, f.Unavailable},
		{FaultInternal, f.Internal},
		{FaultResetBefore, f.ResetBefore},
		{FaultResetAfter, f.ResetAfter},
		{FaultTruncate, f.Truncate},
		{FaultMalformed, f.Malformed},
	}
}

// share returns a pointer to the share of answer fault kind, or nil.
func (f *Faults) share(kind string) *float64 {
	switch kind {
	case FaultRateLimit:
		return &f.RateLimit
	case FaultUnavailable:
		return &f.Unavailable
	case FaultInternal:
		return &f.Internal
	case FaultResetBefore:
		return &f.ResetBefore
	case FaultResetAfter:
		return &f.ResetAfter
	case FaultTruncate:
		return &f.Truncate
	case FaultMalformed:
		return &f.Malformed
	}
	return nil
}

// Enabled reports whether f injects anything.
func (f Faults) Enabled() bool {
	if f.Latency > 0 {
		return true
	}
	for _, a := range f.answers() {
		if a.share > 0 {
			return true
		}
	}
	return false
}

// String renders f as a spec that ParseFaults reads back (without Seed).
// Kinds come in a fixed order; kinds with share 0 are left out.
func (f Faults) String() string {
	var items []string
	for _, a := range f.answers() {
		if a.share > 0 {
			items = append(items, a.kind+"="+formatShare(a.share))
		}
	}
	if f.Latency > 0 {
		items = append(items, FaultLatency+"="+f.LatencyDelay.String()+"@"+formatShare(f.Latency))
	}
	if f.RateLimit > 0 {
		items = append(items, "retry-after="+f.RetryAfter.String())
	}
	if f.Routes != "" {
		items = append(items, "routes="+f.Routes)
	}
	return strings.Join(items, ",")
}

// formatShare writes a share the shortest way ParseFaults reads back.
func formatShare(s float64) string { return strconv.FormatFloat(s, 'g', -1, 64) }

// Validate reports what is wrong with f: a share outside 0..1, answer
// shares adding up to more than 1, a latency without a positive delay, or a
// Retry-After that is negative or not whole seconds.
func (f Faults) Validate() error {
	sum := 0.0
	for _, a := range f.answers() {
		if !validShare(a.share) {
			return fmt.Errorf("%s: share %v must be between 0 and 1", a.kind, a.share)
		}
		sum += a.share
	}
	if sum > 1+1e-9 {
		return fmt.Errorf("the shares of 429, 503, 500, reset-before, reset-after, truncate and malformed add up to %s; "+
			"at most one of them hits a request, so they must add up to at most 1", formatShare(sum))
	}
	if !validShare(f.Latency) {
		return fmt.Errorf("latency: share %v must be between 0 and 1", f.Latency)
	}
	if f.Latency > 0 && f.LatencyDelay <= 0 {
		return fmt.Errorf("latency: delay must be positive (got %s)", f.LatencyDelay)
	}
	if f.RetryAfter < 0 || f.RetryAfter%time.Second != 0 {
		return fmt.Errorf("retry-after: must be whole seconds, 0s or more (got %s)", f.RetryAfter)
	}
	for _, p := range f.routeList() {
		if !strings.HasPrefix(p, "/") {
			return fmt.Errorf("routes: %q is not a path like /usergroup/import_users (separate paths with +)", p)
		}
	}
	return nil
}

// validShare reports whether s is a probability; NaN is not.
func validShare(s float64) bool { return s >= 0 && s <= 1 }

// ParseFaults reads a fault spec: a comma-separated list of items, each
//
//	KIND=SHARE          KIND one of 429, 503, 500, reset-before, reset-after,
//	                    truncate, malformed
//	latency=DUR@SHARE   wait DUR (a Go duration: 20ms, 1.5s) before serving,
//	                    even if the client gives up meanwhile;
//	                    latency=DUR alone delays every request
//	retry-after=DUR     the Retry-After of 429 answers, whole seconds (default 1s)
//	routes=PATH+PATH    inject faults only into requests for these paths
//	                    (default: every protected route)
//
// SHARE is a probability from 0 to 1 ("0.05") or a percentage ("5%"). Each
// kind may appear once, and the shares of the answer kinds (all but latency)
// must add up to at most 1. For example:
//
//	429=0.05,503=0.05,500=0.02,reset-before=0.02,reset-after=0.02,latency=20ms@0.1,truncate=0.02,malformed=0.02
//
// An empty spec injects nothing. Errors quote the offending item, as in
// `"503=2": share must be between 0 and 1`. The result's Seed is 0.
func ParseFaults(spec string) (Faults, error) {
	f := Faults{RetryAfter: defaultRetryAfter}
	if strings.TrimSpace(spec) == "" {
		return f, nil
	}
	seen := map[string]bool{}
	for item := range strings.SplitSeq(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return Faults{}, fmt.Errorf("%q: empty item (items are KIND=SHARE, separated by commas)", spec)
		}
		key, value, ok := strings.Cut(item, "=")
		key, value = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(value)
		if !ok || value == "" {
			return Faults{}, fmt.Errorf("%q: want KIND=SHARE, latency=DURATION@SHARE or retry-after=DURATION", item)
		}
		if seen[key] {
			return Faults{}, fmt.Errorf("%q: %s given twice", item, key)
		}
		seen[key] = true
		if err := f.parseItem(key, value); err != nil {
			return Faults{}, fmt.Errorf("%q: %w", item, err)
		}
	}
	if err := f.Validate(); err != nil {
		return Faults{}, err
	}
	return f, nil
}

// parseItem sets what one item key=value of a spec says.
func (f *Faults) parseItem(key, value string) error {
	switch key {
	case FaultLatency:
		ds, ss, hasShare := strings.Cut(value, "@")
		d, err := time.ParseDuration(strings.TrimSpace(ds))
		if err != nil || d <= 0 {
			return fmt.Errorf("delay %q is not a positive duration (like 20ms or 1s)", strings.TrimSpace(ds))
		}
		share := 1.0
		if hasShare {
			if share, err = parseShare(ss); err != nil {
				return err
			}
		}
		f.Latency, f.LatencyDelay = share, d
		return nil
	case "routes":
		f.Routes = value
		return nil
	case "retry-after":
		d, err := time.ParseDuration(value)
		if value == "0" {
			d, err = 0, nil
		}
		if err != nil || d < 0 || d%time.Second != 0 {
			return fmt.Errorf("%q is not a whole number of seconds (like 0s, 1s or 30s)", value)
		}
		f.RetryAfter = d
		return nil
	}
	p := f.share(key)
	if p == nil {
		return fmt.Errorf("unknown fault kind %q; use 429, 503, 500, reset-before, reset-after, truncate, malformed, latency, retry-after or routes", key)
	}
	share, err := parseShare(value)
	if err != nil {
		return err
	}
	*p = share
	return nil
}

// parseShare reads "0.05" or "5%".
func parseShare(s string) (float64, error) {
	s = strings.TrimSpace(s)
	num, pct := strings.CutSuffix(s, "%")
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil {
		return 0, fmt.Errorf("share %q is not a number (like 0.05 or 5%%)", s)
	}
	if pct {
		v /= 100
	}
	if !validShare(v) {
		return 0, errors.New("share must be between 0 and 1")
	}
	return v, nil
}

// injector picks faults for an Emulator and counts those it injected.
type injector struct {
	f Faults

	mu     sync.Mutex
	rng    *rand.Rand
	counts map[string]int
}

// newInjector returns an injector for f, or nil when f injects nothing.
func newInjector(f Faults) *injector {
	if !f.Enabled() {
		return nil
	}
	return &injector{f: f, rng: rand.New(rand.NewPCG(f.Seed, 0x636c69636b736372)), counts: map[string]int{}}
}

// plan is what the injector chose for one request.
type plan struct {
	delay   time.Duration // 0: no latency fault
	kind    string        // "": no answer fault
	variant int           // which malformed body
}

// pick draws the faults of one request. It always draws three numbers, so
// the sequence depends only on the order of the requests.
func (in *injector) pick() plan {
	in.mu.Lock()
	defer in.mu.Unlock()
	lat, ans, variant := in.rng.Float64(), in.rng.Float64(), in.rng.IntN(2)
	var p plan
	if lat < in.f.Latency {
		p.delay = in.f.LatencyDelay
	}
	acc := 0.0
	for _, a := range in.f.answers() {
		acc += a.share
		if a.share > 0 && ans < acc {
			p.kind = a.kind
			break
		}
	}
	p.variant = variant
	return p
}

// count records one injected fault of kind.
func (in *injector) count(kind string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.counts[kind]++
}

// FaultCounts returns how many faults of each kind (FaultRateLimit, ...)
// the emulator has injected so far. Truncate and malformed faults count
// only when the answer had a body to spoil. The map is a copy; it is empty
// when no faults are configured.
func (e *Emulator) FaultCounts() map[string]int {
	out := map[string]int{}
	if e.faults == nil {
		return out
	}
	e.faults.mu.Lock()
	defer e.faults.mu.Unlock()
	for k, n := range e.faults.counts {
		out[k] = n
	}
	return out
}

// serveWithFaults answers r as serve does, spoiled by the faults the
// injector picks when r is for a protected route. It returns the status
// and problem type sent (status 0 when the connection was reset) and the
// faults injected, joined by "+".
func (e *Emulator) serveWithFaults(w http.ResponseWriter, r *http.Request) (int, string, string) {
	if e.faults == nil {
		status, code := e.serve(w, r)
		return status, code, ""
	}
	if rts, ok := e.routes[routeKey(r.URL.Path)]; !ok || rts[0].public || !e.faults.f.covers(r.URL.Path) {
		status, code := e.serve(w, r)
		return status, code, ""
	}
	in := e.faults
	p := in.pick()
	var injected []string
	note := func(kind string) {
		in.count(kind)
		injected = append(injected, kind)
	}
	if p.delay > 0 {
		// Like a busy server, the emulator does not notice a client that
		// gives up while it waits: the request is served all the same.
		note(FaultLatency)
		time.Sleep(p.delay)
	}
	switch p.kind {
	case FaultRateLimit:
		note(p.kind)
		w.Header().Set("Retry-After", strconv.FormatInt(int64(in.f.RetryAfter/time.Second), 10))
		w.WriteHeader(http.StatusTooManyRequests)
		return http.StatusTooManyRequests, "", strings.Join(injected, "+")
	case FaultUnavailable:
		note(p.kind)
		w.WriteHeader(http.StatusServiceUnavailable)
		return http.StatusServiceUnavailable, "", strings.Join(injected, "+")
	case FaultInternal:
		note(p.kind)
		w.WriteHeader(http.StatusInternalServerError)
		return http.StatusInternalServerError, "", strings.Join(injected, "+")
	case FaultResetBefore:
		note(p.kind)
		resetConn(w, true)
		return 0, "", strings.Join(injected, "+")
	case "":
		status, code := e.serve(w, r)
		return status, code, strings.Join(injected, "+")
	}

	// The remaining faults spoil an answer that was served in full.
	buf := &bufferedResponse{header: http.Header{}}
	status, code := e.serve(buf, r)
	switch {
	case p.kind == FaultResetAfter:
		note(p.kind)
		resetConn(w, true)
		return 0, "", strings.Join(injected, "+")
	case p.kind == FaultTruncate && buf.body.Len() > 0:
		note(p.kind)
		buf.sendHeader(w)
		_, _ = w.Write(buf.body.Bytes()[:buf.body.Len()/2])
		_ = http.NewResponseController(w).Flush()
		resetConn(w, false)
		return status, code, strings.Join(injected, "+")
	case p.kind == FaultMalformed && status == http.StatusOK && buf.body.Len() > 0:
		note(p.kind)
		ct, body := malformedBody(p.variant)
		buf.header.Set("Content-Type", ct)
		buf.header.Set("Content-Length", strconv.Itoa(len(body)))
		buf.body.Reset()
		buf.body.WriteString(body)
	}
	buf.sendHeader(w)
	_, _ = w.Write(buf.body.Bytes())
	return status, code, strings.Join(injected, "+")
}

// malformedBody returns the content type and body of a malformed fault:
// JSON cut off after its first bracket, or a proxy's HTML error page.
func malformedBody(variant int) (string, string) {
	if variant == 0 {
		return "application/json", `{"data": [`
	}
	return "text/html; charset=utf-8", "<html><head><title>Error</title></head><body><h1>Bad Gateway</h1></body></html>"
}

// resetConn ends the connection under w without (further) answer: hard
// (TCP RST, where the platform allows) or with an orderly close. A
// ResponseWriter that cannot be hijacked (HTTP/2, httptest.ResponseRecorder)
// is aborted by panicking with http.ErrAbortHandler, which net/http servers
// turn into a closed connection or a reset stream.
func resetConn(w http.ResponseWriter, hard bool) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok && hard {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// bufferedResponse is a ResponseWriter that keeps the answer, so that a
// fault can spoil it before it is sent.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

// Header returns the kept header.
func (b *bufferedResponse) Header() http.Header { return b.header }

// WriteHeader keeps the first status.
func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

// Write keeps p, as the body of a 200 unless a status came first.
func (b *bufferedResponse) Write(p []byte) (int, error) {
	b.WriteHeader(http.StatusOK)
	return b.body.Write(p)
}

// sendHeader copies the kept header and status to w.
func (b *bufferedResponse) sendHeader(w http.ResponseWriter) {
	for k, vs := range b.header {
		w.Header()[k] = vs
	}
	status := b.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
}
