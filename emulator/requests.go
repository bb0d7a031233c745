package emulator

import (
	"encoding/json"
	"maps"
	"net"
	"net/http"
	"sort"
	"strconv"
	"sync"
)

// RequestsPath is where an emulator with Options.CountRequests serves its
// RequestCounts as JSON, to loopback clients only. Its own requests are not
// counted.
const RequestsPath = "/_emulator/requests"

// RequestCounts is what an emulator was asked so far: every request that
// reached it, by the time it arrived, counted whatever its answer.
type RequestCounts struct {
	Total    int            `json:"total"`
	InFlight int            `json:"inFlight"` // arrived and not yet answered in full (a latency fault included)
	Peak     int            `json:"peak"`     // the most in flight at once
	ByRoute  map[string]int `json:"byRoute"`  // "GET /usergroup/get_all" -> count; unknown paths count as "METHOD other"
}

// Kinds returns the keys of ByRoute, sorted.
func (c RequestCounts) Kinds() []string {
	out := make([]string, 0, len(c.ByRoute))
	for k := range c.ByRoute {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Sub returns the requests counted in c and not in before (c taken later):
// Total and ByRoute as differences, InFlight and Peak as in c.
func (c RequestCounts) Sub(before RequestCounts) RequestCounts {
	out := RequestCounts{Total: c.Total - before.Total, InFlight: c.InFlight, Peak: c.Peak, ByRoute: map[string]int{}}
	for k, n := range c.ByRoute {
		if d := n - before.ByRoute[k]; d != 0 {
			out.ByRoute[k] = d
		}
	}
	return out
}

// requestCounter counts requests as they arrive and leave.
type requestCounter struct {
	mu       sync.Mutex
	total    int
	inFlight int
	peak     int
	byRoute  map[string]int
}

// start counts r as arrived and in flight; done ends it. done must run
// before the last byte of the answer goes out (see answerWriter): a client
// that has its whole answer may send its next request at once, and that
// one must not find this one still counted.
func (rc *requestCounter) start(e *Emulator, r *http.Request) (done func()) {
	kind := r.Method + " other"
	if _, ok := e.routes[routeKey(r.URL.Path)]; ok {
		kind = r.Method + " " + routeKey(r.URL.Path)
	}
	rc.mu.Lock()
	rc.total++
	rc.inFlight++
	rc.peak = max(rc.peak, rc.inFlight)
	rc.byRoute[kind]++
	rc.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			rc.mu.Lock()
			rc.inFlight--
			rc.mu.Unlock()
		})
	}
}

// answerWriter calls done just before the write that completes an answer
// of known Content-Length, and passes everything else through.
type answerWriter struct {
	http.ResponseWriter
	done    func()
	written int
}

// Write writes p, calling done first when p completes the body.
func (w *answerWriter) Write(p []byte) (int, error) {
	if cl, err := strconv.Atoi(w.Header().Get("Content-Length")); err == nil && w.written+len(p) >= cl {
		w.done()
	}
	n, err := w.ResponseWriter.Write(p)
	w.written += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (faults
// hijack it).
func (w *answerWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Requests returns the requests counted so far; all zero unless
// Options.CountRequests is set.
func (e *Emulator) Requests() RequestCounts {
	rc := e.requests
	if rc == nil {
		return RequestCounts{ByRoute: map[string]int{}}
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return RequestCounts{Total: rc.total, InFlight: rc.inFlight, Peak: rc.peak, ByRoute: maps.Clone(rc.byRoute)}
}

// serveRequests answers RequestsPath: the counts as JSON to a loopback
// client, 404 to any other.
func (e *Emulator) serveRequests(w http.ResponseWriter, r *http.Request) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() || r.Method != http.MethodGet {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(e.Requests())
}
