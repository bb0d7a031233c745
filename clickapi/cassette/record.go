package cassette

import (
	"bytes"
	"cmp"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync"

	"github.com/clickscript/clickscript/clickapi"
)

// Recorder is an http.RoundTripper that forwards each request to another
// RoundTripper and records the request and its response. It is safe for
// concurrent use. Interactions are kept in the order their requests were
// started, so concurrent requests may be recorded in a different order
// from one run to the next (the Replayer tolerates that). A request that
// gets no response (a network error) is not recorded: its error is
// returned as it is.
type Recorder struct {
	next http.RoundTripper

	mu      sync.Mutex
	entries []*entry        // by start order; nil until the response is complete, and for failures
	tokens  map[string]bool // every token seen, scrubbed from everything
	secrets *clickapi.Secrets
}

// entry is one interaction as it went over the wire, before scrubbing.
type entry struct {
	method   string
	url      *url.URL
	reqBody  []byte
	status   int
	header   http.Header
	respBody []byte
}

// NewRecorder returns a Recorder that sends requests through next, or
// through http.DefaultTransport when next is nil.
func NewRecorder(next http.RoundTripper) *Recorder {
	if next == nil {
		next = http.DefaultTransport
	}
	return &Recorder{next: next, tokens: make(map[string]bool)}
}

// AddToken makes the recorder scrub the literal value token from the
// cassette, besides the values of the token parameters it sees in request
// queries. Use it for a token the recorded traffic carries only in bodies.
func (r *Recorder) AddToken(token string) {
	if token == "" {
		return
	}
	r.mu.Lock()
	r.tokens[token] = true
	r.mu.Unlock()
}

// UseSecrets makes the recorder scrub every value of s from the cassette
// (s is read when the cassette is made, so values added to it later are
// scrubbed too), besides the tokens it sees and those given to AddToken.
func (r *Recorder) UseSecrets(s *clickapi.Secrets) {
	r.mu.Lock()
	r.secrets = s
	r.mu.Unlock()
}

// RoundTrip sends req through the wrapped RoundTripper and records the
// exchange once the whole response body has been read. It returns the
// response with a body that replays what was read; req is not modified.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		reqBody, err = io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	out := req.Clone(req.Context())
	if req.Body != nil && req.Body != http.NoBody {
		out.Body = io.NopCloser(bytes.NewReader(reqBody))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(reqBody)), nil }
	}

	r.mu.Lock()
	seq := len(r.entries)
	r.entries = append(r.entries, nil)
	for _, t := range tokensIn(req.URL.RawQuery) {
		r.tokens[t] = true
	}
	r.mu.Unlock()

	resp, err := r.next.RoundTrip(out)
	if err != nil {
		return nil, err
	}
	respBody, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		// A response cut short is not recorded; the caller gets what
		// arrived, then the error.
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(respBody), errReader{err}))
		return resp, nil
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))

	u := *req.URL
	r.mu.Lock()
	r.entries[seq] = &entry{
		method:   req.Method,
		url:      &u,
		reqBody:  reqBody,
		status:   resp.StatusCode,
		header:   resp.Header.Clone(),
		respBody: respBody,
	}
	r.mu.Unlock()
	return resp, nil
}

// errReader fails every read with its error.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// Cassette returns the interactions recorded so far, in the order their
// requests were started, scrubbed of every token the recorder has seen.
// Requests still in flight are left out.
func (r *Recorder) Cassette() *Cassette {
	r.mu.Lock()
	entries := slices.Clone(r.entries)
	sc := scrubber{secrets: r.secrets}
	for t := range r.tokens {
		sc.tokens = append(sc.tokens, t)
	}
	r.mu.Unlock()
	// Longer tokens first, so that a token holding another is removed whole;
	// then by value, so that the order never depends on map iteration.
	slices.SortFunc(sc.tokens, func(a, b string) int {
		return cmp.Or(cmp.Compare(len(b), len(a)), cmp.Compare(a, b))
	})

	c := &Cassette{Version: Version, Interactions: []Interaction{}}
	for _, e := range entries {
		if e == nil {
			continue
		}
		c.Interactions = append(c.Interactions, Interaction{
			Request: sc.request(e.method, e.url, e.reqBody),
			Response: Response{
				Status:  e.status,
				Headers: sc.headers(e.header),
				Payload: sc.payload(e.respBody),
			},
		})
	}
	return c
}

// Save writes the recording to path atomically (see Cassette.Save).
func (r *Recorder) Save(path string) error {
	return r.Cassette().Save(path)
}
