package cassette

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// secretToken is the token the tests send; it must never reach a cassette.
const secretToken = "eyJhbGciOi.s3cr3t-T0KEN.xyz"

// newAgent starts a loopback server that answers like the agent, with
// deterministic bodies. The server echoes the token in a body and a header
// to prove the recorder scrubs them.
func newAgent(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /usergroup/get_all", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("X-Ignored", "dropped")
		fmt.Fprintf(w, `{"data": [{"id": "g1", "name": "Design", "note": "seen %s"}], "total": 1,
			"options": {"page": %s, "pageSize": 50}}`+"\n", r.URL.Query().Get("token"), r.URL.Query().Get("page"))
	})
	mux.HandleFunc("POST /usergroup/insert", func(w http.ResponseWriter, r *http.Request) {
		var in map[string]any
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if in["name"] == "Taken" {
			w.Header().Set("Content-Type", "application/problem+json")
			w.Header().Set("error-code", "DUPLICATE")
			w.WriteHeader(499)
			io.WriteString(w, `{"type":"DUPLICATE","status":499,"errors":{"DUPLICATE":["A resource with the same name already exists."]}}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"id": "id-" + in["name"].(string), "name": in["name"], "active": in["active"]})
	})
	mux.HandleFunc("DELETE /usergroup/delete", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	})
	mux.HandleFunc("GET /proxy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "<html>\n<body>Busy &amp; sorry; your key %s</body>\n</html>\n", r.URL.Query().Get("TOKEN"))
	})
	mux.HandleFunc("GET /management/agent_status", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "1")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// reply is what a test client saw of a response.
type reply struct {
	status int
	header http.Header // the kept headers only
	body   string
}

// send makes one request and reads the whole answer.
func send(t *testing.T, c *http.Client, method, url, body string) (reply, error) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	for _, k := range []string{"Content-Type", "Error-Code", "Retry-After"} {
		if v := resp.Header.Get(k); v != "" {
			h.Set(k, v)
		}
	}
	return reply{status: resp.StatusCode, header: h, body: string(data)}, nil
}

// call is one request of a scripted session.
type call struct{ method, path, body string }

// session exercises every kind of answer: JSON with the token in the query,
// a JSON body, a 499 with error-code, a 500 with no body, an HTML page, a
// bare JSON number.
var session = []call{
	{"GET", "/usergroup/get_all?pagesize=50&token=" + secretToken + "&page=2", ""},
	{"POST", "/usergroup/insert?token=" + secretToken, `{"name": "Design Team", "active": true}`},
	{"POST", "/usergroup/insert?token=" + secretToken, `{"name":"Taken","active":false}`},
	{"DELETE", "/usergroup/delete?id=g1&token=" + secretToken, ""},
	{"GET", "/proxy?TOKEN=" + secretToken, ""},
	{"GET", "/management/agent_status", ""},
}

// runSession sends the session through rt and returns what the client saw.
func runSession(t *testing.T, rt http.RoundTripper, base string) []reply {
	t.Helper()
	c := &http.Client{Transport: rt}
	var out []reply
	for _, s := range session {
		r, err := send(t, c, s.method, base+s.path, s.body)
		if err != nil {
			t.Fatalf("%s %s: %v", s.method, s.path, err)
		}
		out = append(out, r)
	}
	return out
}

// record runs the session against srv and saves the cassette to a file.
func record(t *testing.T, srv *httptest.Server, name string) (string, []reply) {
	t.Helper()
	rec := NewRecorder(srv.Client().Transport)
	live := runSession(t, rec, srv.URL)
	path := filepath.Join(t.TempDir(), name)
	if err := rec.Save(path); err != nil {
		t.Fatal(err)
	}
	return path, live
}

func TestRecordThenReplayWithoutServer(t *testing.T) {
	srv := newAgent(t)
	path, live := record(t, srv, "session.json")
	base := srv.URL
	srv.Close()

	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Interactions) != len(session) {
		t.Fatalf("recorded %d interactions, want %d", len(c.Interactions), len(session))
	}
	rep := NewReplayer(c)
	replayed := runSession(t, rep, base)
	for i, got := range replayed {
		want := live[i]
		if json.Valid([]byte(want.body)) { // replayed compacted
			var buf bytes.Buffer
			if err := json.Compact(&buf, []byte(want.body)); err != nil {
				t.Fatal(err)
			}
			want.body = strings.ReplaceAll(buf.String(), secretToken, "REDACTED")
		} else {
			want.body = strings.ReplaceAll(want.body, secretToken, "REDACTED")
		}
		if got.status != want.status || fmt.Sprint(got.header) != fmt.Sprint(want.header) || got.body != want.body {
			t.Errorf("%s %s replayed\n%d %v %q\nwant\n%d %v %q", session[i].method, session[i].path,
				got.status, got.header, got.body, want.status, want.header, want.body)
		}
	}
	if n := rep.Remaining(); n != 0 {
		t.Errorf("Remaining() = %d after the whole session", n)
	}
	// Spot checks of what the client must see.
	if r := replayed[2]; r.status != 499 || r.header.Get("error-code") != "DUPLICATE" {
		t.Errorf("499 replayed as %d error-code=%q", r.status, r.header.Get("error-code"))
	}
	if r := replayed[3]; r.status != 500 || r.body != "" {
		t.Errorf("500 replayed as %d %q, want no body", r.status, r.body)
	}
	if r := replayed[4]; r.header.Get("Retry-After") != "7" || !strings.HasPrefix(r.body, "<html>\n<body>Busy &amp; sorry;") {
		t.Errorf("HTML page replayed as %v %q", r.header, r.body)
	}
}

func TestRecordedFileFormat(t *testing.T) {
	srv := newAgent(t)
	path, _ := record(t, srv, "session.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(secretToken)) {
		t.Errorf("the cassette holds the token:\n%s", data)
	}
	if bytes.Contains(bytes.ToLower(data), []byte("token=")) {
		t.Errorf("the cassette holds a token= parameter:\n%s", data)
	}
	c, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	get := c.Interactions[0]
	if get.Request.Query != "page=2&pagesize=50" {
		t.Errorf("query recorded as %q, want the token dropped and keys sorted", get.Request.Query)
	}
	if get.Response.Headers["content-type"] != "application/json; charset=utf-8" || len(get.Response.Headers) != 1 {
		t.Errorf("headers recorded as %v, want only content-type", get.Response.Headers)
	}
	if !strings.Contains(string(get.Response.Body), `"note":"seen REDACTED"`) {
		t.Errorf("echoed token not scrubbed from the body: %s", get.Response.Body)
	}
	for _, want := range []string{
		"{\n  \"version\": 1,\n  \"interactions\": [\n    {\n      \"request\": {\n        \"method\": \"GET\",\n        \"path\": \"/usergroup/get_all\",\n",
		"        \"body\": {\n          \"name\": \"Design Team\",\n          \"active\": true\n        }\n",
		"        \"headers\": {\n          \"content-type\": \"application/problem+json\",\n          \"error-code\": \"DUPLICATE\"\n        },\n",
		"      \"response\": {\n        \"status\": 500\n      }\n",
		"        \"bodyText\": \"<html>\\n<body>Busy &amp; sorry; your key REDACTED</body>\\n</html>\\n\"\n",
		"        \"body\": 1\n",
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the cassette lacks\n%s\nin\n%s", want, data)
		}
	}
	if !bytes.HasSuffix(data, []byte("}\n")) {
		t.Error("no trailing newline")
	}
}

func TestRecordingIsDeterministic(t *testing.T) {
	srv := newAgent(t)
	a, _ := record(t, srv, "a.json")
	b, _ := record(t, srv, "b.json")
	da, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	db, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(da, db) {
		t.Errorf("two recordings of the same session differ:\n%s\n---\n%s", da, db)
	}
}

func TestRecorderScrubsLoginSecrets(t *testing.T) {
	const jwt = "jwt-from-login-0123456789"
	mux := http.NewServeMux()
	mux.HandleFunc("POST /authentication/login", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"jwtToken":"`+jwt+`","challenge":0,"session":""}`)
	})
	mux.HandleFunc("GET /echo", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "you asked for "+r.URL.String())
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	rec := NewRecorder(nil)
	c := &http.Client{Transport: rec}
	login := `{"username":"admin","password":"hunter2-pass","type":16}`
	if _, err := send(t, c, "POST", srv.URL+"/authentication/login", login); err != nil {
		t.Fatal(err)
	}
	if _, err := send(t, c, "GET", srv.URL+"/echo?token="+jwt, ""); err != nil {
		t.Fatal(err)
	}
	data, err := rec.Cassette().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{jwt, "hunter2-pass"} {
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("the cassette holds %q:\n%s", secret, data)
		}
	}
	if !bytes.Contains(data, []byte(`"jwtToken": "REDACTED"`)) || !bytes.Contains(data, []byte(`"password": "REDACTED"`)) {
		t.Errorf("secrets not replaced with REDACTED:\n%s", data)
	}
	if !bytes.Contains(data, []byte(`you asked for /echo?token=REDACTED`)) {
		t.Errorf("a URL echoed in a body keeps its scrubbed token parameter:\n%s", data)
	}

	// The login replays whatever password the script sends now.
	rep := NewReplayer(rec.Cassette())
	r, err := send(t, &http.Client{Transport: rep}, "POST", "http://agent/authentication/login", `{"username":"admin","password":"other","type":16}`)
	if err != nil {
		t.Fatal(err)
	}
	if r.body != `{"jwtToken":"REDACTED","challenge":0,"session":""}` {
		t.Errorf("login replayed as %q", r.body)
	}
}

func TestAddTokenScrubsBodies(t *testing.T) {
	const key = "api-key-only-in-bodies"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"msg":"key `+key+`"}`)
	}))
	defer srv.Close()
	rec := NewRecorder(nil)
	rec.AddToken(key)
	if _, err := send(t, &http.Client{Transport: rec}, "GET", srv.URL+"/x", ""); err != nil {
		t.Fatal(err)
	}
	if got := string(rec.Cassette().Interactions[0].Response.Body); got != `{"msg":"key REDACTED"}` {
		t.Errorf("body recorded as %s", got)
	}
}

func TestNetworkErrorsAreNotRecorded(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	rec := NewRecorder(nil)
	_, err := send(t, &http.Client{Transport: rec}, "GET", url+"/x?token="+secretToken, "")
	if err == nil {
		t.Fatal("request to a closed server succeeded")
	}
	if n := len(rec.Cassette().Interactions); n != 0 {
		t.Errorf("recorded %d interactions for a network error", n)
	}
}

func TestRecorderLeavesRequestIntact(t *testing.T) {
	srv := newAgent(t)
	rec := NewRecorder(srv.Client().Transport)
	body := `{"name":"A","active":true}`
	req, err := http.NewRequest("POST", srv.URL+"/usergroup/insert", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	before := req.Body
	resp, err := rec.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if req.Body != before {
		t.Error("RoundTrip replaced the caller's request body")
	}
	if got := string(rec.Cassette().Interactions[0].Request.Body); got != body {
		t.Errorf("request body recorded as %s", got)
	}
}

func TestConcurrentRecordAndReplay(t *testing.T) {
	srv := newAgent(t)
	const n = 24
	run := func(rt http.RoundTripper, base string) {
		t.Helper()
		c := &http.Client{Transport: rt}
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				name := fmt.Sprintf("group-%02d", i)
				r, err := send(t, c, "POST", base+"/usergroup/insert?token="+secretToken, `{"name":"`+name+`","active":true}`)
				if err != nil {
					errs <- err
					return
				}
				if want := `"id":"id-` + name + `"`; !strings.Contains(r.body, want) {
					errs <- fmt.Errorf("%s answered %s", name, r.body)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	}
	rec := NewRecorder(srv.Client().Transport)
	run(rec, srv.URL)
	c := rec.Cassette()
	if len(c.Interactions) != n {
		t.Fatalf("recorded %d interactions, want %d", len(c.Interactions), n)
	}
	data, err := c.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	c, err = Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()
	rep := NewReplayer(c)
	run(rep, srv.URL)
	if r := rep.Remaining(); r != 0 {
		t.Errorf("Remaining() = %d", r)
	}
}
