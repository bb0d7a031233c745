package cassette

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// Replayer is an http.RoundTripper that answers requests from a cassette
// and never touches the network. It is safe for concurrent use. Each
// request is matched, by method, path, query (without the token) and body,
// to the next unused interaction or, failing that, to the first unused one
// further on that matches exactly; each interaction answers once. A request
// that matches none fails with a *MismatchError (errors.Is ErrMismatch).
type Replayer struct {
	c *Cassette

	mu   sync.Mutex
	used []bool
	next int // index of the first unused interaction
	n    int // requests seen
}

// NewReplayer returns a Replayer for c. The Replayer reads c; the caller
// must not change it while replaying.
func NewReplayer(c *Cassette) *Replayer {
	return &Replayer{c: c, used: make([]bool, len(c.Interactions))}
}

// Remaining returns how many interactions have not been replayed yet. A
// test that requires the whole cassette be consumed checks it is 0.
func (r *Replayer) Remaining() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, u := range r.used {
		if !u {
			n++
		}
	}
	return n
}

// RoundTrip answers req with the recorded response of the interaction it
// matches: its status, kept headers and body (JSON compacted). It returns a
// *MismatchError when no unused interaction matches, and the context's
// error when req's context is done.
func (r *Replayer) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("cassette: read request body: %w", err)
		}
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	sc := scrubber{tokens: tokensIn(req.URL.RawQuery)}
	actual := sc.request(req.Method, req.URL, body)

	in, err := r.match(actual)
	if err != nil {
		return nil, err
	}
	respBody := in.Response.Payload.Bytes()
	header := make(http.Header, len(in.Response.Headers))
	for k, v := range in.Response.Headers {
		header.Set(k, v)
	}
	return &http.Response{
		Status:        strings.TrimSpace(fmt.Sprintf("%d %s", in.Response.Status, http.StatusText(in.Response.Status))),
		StatusCode:    in.Response.Status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        header,
		Body:          io.NopCloser(bytes.NewReader(respBody)),
		ContentLength: int64(len(respBody)),
		Request:       req,
	}, nil
}

// match finds and uses the interaction for actual.
func (r *Replayer) match(actual Request) (*Interaction, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	for i := r.next; i < len(r.used); i++ {
		if r.used[i] || !sameRequest(r.c.Interactions[i].Request, actual) {
			continue
		}
		r.used[i] = true
		for r.next < len(r.used) && r.used[r.next] {
			r.next++
		}
		return &r.c.Interactions[i], nil
	}
	e := &MismatchError{N: r.n, Recorded: len(r.c.Interactions), Actual: actual}
	if r.next < len(r.used) {
		exp := r.c.Interactions[r.next].Request
		e.Expected = &exp
	}
	return nil, e
}

func sameRequest(a, b Request) bool {
	return a.Method == b.Method && a.Path == b.Path && a.Query == b.Query && samePayload(a.Payload, b.Payload)
}

// samePayload compares JSON bodies in compacted form, others byte for byte.
func samePayload(a, b Payload) bool {
	aj, bj := len(a.Body) > 0, len(b.Body) > 0
	if aj != bj {
		return false
	}
	return bytes.Equal(a.Bytes(), b.Bytes())
}
