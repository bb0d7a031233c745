package clickapi

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"

	gojson "github.com/goccy/go-json"
)

// seenRequest is one request a test server received, token left out of
// the query.
type seenRequest struct {
	Method, Path, Query, Body string
	Token                     string
}

// recorder answers every request on a path with a fixed status and body
// and keeps what it was sent.
type recorder struct {
	mu   sync.Mutex
	reqs []seenRequest
}

func (r *recorder) all() []seenRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seenRequest(nil), r.reqs...)
}

// record registers on mux a handler for pattern (a path, any method) that
// records each request and answers status with body (JSON when not empty).
func record(mux *http.ServeMux, pattern string, status int, body string) *recorder {
	rec := &recorder{}
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		q := r.URL.Query()
		tok := q.Get(TokenParam)
		q.Del(TokenParam)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, seenRequest{Method: r.Method, Path: r.URL.Path, Query: q.Encode(), Body: string(b), Token: tok})
		rec.mu.Unlock()
		if body != "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	})
	return rec
}

// wantRequest checks that rec saw exactly one request, and that it was
// the one described: method, path spelt exactly, query (url.Values
// encoding, token aside) and body (exact JSON, "" for none).
func wantRequest(t *testing.T, rec *recorder, method, path, query, body string) {
	t.Helper()
	reqs := rec.all()
	if len(reqs) != 1 {
		t.Fatalf("%s %s: %d requests, want 1: %+v", method, path, len(reqs), reqs)
	}
	got := reqs[0]
	if got.Method != method || got.Path != path {
		t.Errorf("request %s %s, want %s %s", got.Method, got.Path, method, path)
	}
	if want, _ := url.ParseQuery(query); got.Query != want.Encode() {
		t.Errorf("%s %s: query %q, want %q", method, path, got.Query, want.Encode())
	}
	if got.Body != body {
		t.Errorf("%s %s: body\n\t%s\nwant\n\t%s", method, path, got.Body, body)
	}
	if got.Token != testToken {
		t.Errorf("%s %s: token %q, want the client's", method, path, got.Token)
	}
}

// decodeString decodes s into v as the client decodes answers.
func decodeString(s string, v any) error { return gojson.Unmarshal([]byte(s), v) }

// jsonMarshal encodes v with the standard library, as the emulator does.
func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
