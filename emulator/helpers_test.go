package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// testToken is the static token of test emulators.
const testToken = "test-token-0123456789"

// newEmu returns an emulator with opts (Token defaulting to testToken),
// closed when the test ends.
func newEmu(t testing.TB, opts Options) *Emulator {
	t.Helper()
	if opts.Token == "" {
		opts.Token = testToken
	}
	e, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return e
}

// demoEmu returns a deterministic emulator with the demo seed.
func demoEmu(t testing.TB) *Emulator {
	t.Helper()
	return newEmu(t, Options{Seed: "demo", Deterministic: true})
}

// answer is a recorded response.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// raw sends one request to h exactly as given.
func raw(t testing.TB, h http.Handler, method, target, body string) answer {
	t.Helper()
	var rd *strings.Reader
	if body != "" {
		rd = strings.NewReader(body)
	} else {
		rd = strings.NewReader("")
	}
	req := httptest.NewRequest(method, target, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return answer{rec.Code, rec.Header(), rec.Body.Bytes()}
}

// withToken appends token=tok to target.
func withToken(target, tok string) string {
	sep := "?"
	if strings.Contains(target, "?") {
		sep = "&"
	}
	return target + sep + tokenParam + "=" + tok
}

// call sends one request to e with the test token.
func call(t testing.TB, e *Emulator, method, target, body string) answer {
	t.Helper()
	return raw(t, e, method, withToken(target, e.Token()), body)
}

// mustJSON encodes v.
func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// decode decodes a 200 answer into a T, rejecting keys T does not have so
// that the wire shape is checked against the clickapi models.
func decode[T any](t testing.TB, a answer) T {
	t.Helper()
	var v T
	if a.status != http.StatusOK {
		t.Fatalf("status %d, want 200; body %s", a.status, a.body)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("content-type %q, want application/json", ct)
	}
	dec := json.NewDecoder(bytes.NewReader(a.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", a.body, err)
	}
	return v
}

// wantOK fails unless a is an empty 200.
func wantOK(t testing.TB, a answer) {
	t.Helper()
	if a.status != http.StatusOK || len(a.body) != 0 {
		t.Fatalf("got %d %s, want an empty 200", a.status, a.body)
	}
}

// wantProblem fails unless a is a 499 of type code whose messages contain
// every one of msgs.
func wantProblem(t testing.TB, a answer, code string, msgs ...string) apiProblem {
	t.Helper()
	if a.status != statusValidation {
		t.Fatalf("status %d, want 499 %s; body %s", a.status, code, a.body)
	}
	if got := a.header.Get(errorCodeHeader); got != code {
		t.Fatalf("error-code header %q, want %q", got, code)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("content-type %q, want application/json", ct)
	}
	var p apiProblem
	if err := json.Unmarshal(a.body, &p); err != nil {
		t.Fatalf("decode problem %s: %v", a.body, err)
	}
	if p.Type != code || p.Status != statusValidation || len(p.Errors) != 1 || len(p.Errors[code]) == 0 {
		t.Fatalf("problem %s, want type %s, status 499 and errors[%s]", a.body, code, code)
	}
	all := strings.Join(p.Errors[code], "\n")
	for _, m := range msgs {
		if !strings.Contains(all, m) {
			t.Errorf("messages %q lack %q", p.Errors[code], m)
		}
	}
	return p
}

// groupsPage fetches one page of get_all.
func groupsPage(t testing.TB, e *Emulator, query string) apiCollection[apiGroup] {
	t.Helper()
	return decode[apiCollection[apiGroup]](t, call(t, e, "GET", routeGroups+"?"+query, ""))
}

// groupNamed returns the live group named name, failing if there is none.
func groupNamed(t testing.TB, e *Emulator, name string) apiGroup {
	t.Helper()
	for _, g := range groupsPage(t, e, "pagesize=1000").Data {
		if g.Name == name {
			return g
		}
	}
	t.Fatalf("no group %q", name)
	return apiGroup{}
}

// userNamed returns the live user with username, failing if there is none.
func userNamed(t testing.TB, e *Emulator, username string) apiUser {
	t.Helper()
	c := decode[apiCollection[apiUser]](t, call(t, e, "GET", routeUsers+"?pagesize=1000", ""))
	for _, u := range c.Data {
		if u.Username == username {
			return u
		}
	}
	t.Fatalf("no user %q", username)
	return apiUser{}
}

// names lists the names of groups.
func names(gs []apiGroup) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Name
	}
	return out
}

// parseUUID parses s, failing the test if it is not a uuid.
func parseUUID(t testing.TB, s string) uuid.UUID {
	t.Helper()
	id, err := uuid.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// wantUnauthorized fails unless a is a 401 without a body
// [click:errors.md] (I10).
func wantUnauthorized(t testing.TB, a answer) {
	t.Helper()
	if a.status != http.StatusUnauthorized || len(a.body) != 0 {
		t.Fatalf("got %d %s, want an empty 401", a.status, a.body)
	}
}

// wantKeys fails unless body is a JSON object with exactly keys, in that
// order.
func wantKeys(t testing.TB, body []byte, keys ...string) {
	t.Helper()
	got, err := objectKeys(body)
	if err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	if strings.Join(got, ",") != strings.Join(keys, ",") {
		t.Fatalf("keys %v, want %v in %s", got, keys, body)
	}
}

// objectKeys returns the keys of the JSON object body, in order.
func objectKeys(body []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object (%v)", err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}
