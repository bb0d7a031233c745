package cassette

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// listing is a cassette of three pages of a list and an insert.
const listing = `{
  "version": 1,
  "interactions": [
    {"request": {"method": "GET", "path": "/usergroup/get_all", "query": "page=1&pagesize=50"},
     "response": {"status": 200, "headers": {"content-type": "application/json"}, "body": {"data": [1], "total": 3}}},
    {"request": {"method": "GET", "path": "/usergroup/get_all", "query": "page=2&pagesize=50"},
     "response": {"status": 200, "headers": {"content-type": "application/json"}, "body": {"data": [2], "total": 3}}},
    {"request": {"method": "POST", "path": "/usergroup/insert", "query": "", "body": {"name": "A", "active": true}},
     "response": {"status": 200, "body": {"id": "a"}}}
  ]
}`

func replayer(t *testing.T, data string) (*Replayer, *http.Client) {
	t.Helper()
	c, err := Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	r := NewReplayer(c)
	return r, &http.Client{Transport: r}
}

func TestReplayMismatchMessage(t *testing.T) {
	_, c := replayer(t, listing)
	for _, page := range []string{"1", "2"} {
		if _, err := send(t, c, "GET", "http://agent/usergroup/get_all?page="+page+"&pagesize=50&token="+secretToken, ""); err != nil {
			t.Fatal(err)
		}
	}
	_, err := send(t, c, "GET", "http://agent/usergroup/get_all?token="+secretToken+"&pagesize=50&page=3", "")
	var me *MismatchError
	if !errors.As(err, &me) {
		t.Fatalf("error %v is not a *MismatchError", err)
	}
	want := `cassette: request 3 does not match the recording
  expected: POST /usergroup/insert
  actual:   GET /usergroup/get_all?page=3&pagesize=50
  expected body: {"name":"A","active":true}
  actual body:   (none)`
	if me.Error() != want {
		t.Errorf("message:\n%s\nwant:\n%s", me, want)
	}
	if !errors.Is(err, ErrMismatch) {
		t.Error("errors.Is(err, ErrMismatch) is false through http.Client")
	}
	// http.Client's *url.Error shows the URL; clickapi scrubs that one.
	if strings.Contains(me.Error(), secretToken) || strings.Contains(me.Error(), "token") {
		t.Errorf("the mismatch shows the token: %v", me)
	}
	var perm interface{ Permanent() bool }
	if !errors.As(err, &perm) || !perm.Permanent() {
		t.Error("a mismatch is not recognisable as permanent through http.Client's *url.Error")
	}
	if me.Temporary() || me.Timeout() {
		t.Error("a mismatch claims to be temporary")
	}
}

func TestReplayMismatchSamePathDifferentQuery(t *testing.T) {
	_, c := replayer(t, listing)
	_, err := send(t, c, "GET", "http://agent/usergroup/get_all?page=3&pagesize=50", "")
	var me *MismatchError
	if !errors.As(err, &me) {
		t.Fatalf("error %v is not a *MismatchError", err)
	}
	want := `cassette: request 1 does not match the recording
  expected: GET /usergroup/get_all?page=1&pagesize=50
  actual:   GET /usergroup/get_all?page=3&pagesize=50`
	if me.Error() != want {
		t.Errorf("message:\n%s\nwant:\n%s", me, want)
	}
}

func TestReplayMismatchBodies(t *testing.T) {
	r, c := replayer(t, `{"version":1,"interactions":[
		{"request":{"method":"POST","path":"/usergroup/insert","query":"","body":{"name":"A","active":true}},"response":{"status":200}},
		{"request":{"method":"POST","path":"/usergroup/insert","query":"","body":{"name":"B","active":true}},"response":{"status":200}}]}`)
	long := `{"name":"` + strings.Repeat("x", 300) + `"}`
	_, err := send(t, c, "POST", "http://agent/usergroup/insert?token="+secretToken, long)
	want := `cassette: request 1 does not match the recording
  expected: POST /usergroup/insert
  actual:   POST /usergroup/insert
  expected body: {"name":"A","active":true}
  actual body:   {"name":"` + strings.Repeat("x", 191) + `...`
	var me *MismatchError
	if !errors.As(err, &me) || me.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", me, want)
	}
	_, err = send(t, c, "POST", "http://agent/usergroup/insert", "name=A\n")
	want = `cassette: request 2 does not match the recording
  expected: POST /usergroup/insert
  actual:   POST /usergroup/insert
  expected body: {"name":"A","active":true}
  actual body:   text "name=A\n"`
	if !errors.As(err, &me) || me.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", me, want)
	}
	if r.Remaining() != 2 {
		t.Errorf("a mismatch used an interaction: Remaining() = %d", r.Remaining())
	}
	// Whitespace and key spacing do not matter; key order and values do.
	if _, err := send(t, c, "POST", "http://agent/usergroup/insert", "{ \"name\" : \"B\",\n \"active\": true }"); err != nil {
		t.Errorf("a JSON body equal after compaction did not match: %v", err)
	}
}

func TestReplayExhausted(t *testing.T) {
	_, c := replayer(t, `{"version":1,"interactions":[
		{"request":{"method":"GET","path":"/x","query":""},"response":{"status":200}}]}`)
	if _, err := send(t, c, "GET", "http://agent/x?token="+secretToken, ""); err != nil {
		t.Fatal(err)
	}
	_, err := send(t, c, "GET", "http://agent/x?b=2&a=1&token="+secretToken, "")
	var me *MismatchError
	if !errors.As(err, &me) {
		t.Fatalf("error %v is not a *MismatchError", err)
	}
	if want := "cassette: request 2: the recording holds only 1 request; got GET /x?a=1&b=2"; me.Error() != want {
		t.Errorf("message:\n%s\nwant:\n%s", me, want)
	}
	_, err = send(t, c, "POST", "http://agent/y", `{"a": 1}`)
	if want := "cassette: request 3: the recording holds only 1 request; got POST /y\n  body: {\"a\":1}"; !errors.As(err, &me) || me.Error() != want {
		t.Errorf("message:\n%v\nwant:\n%s", me, want)
	}

	_, empty := replayer(t, `{"version":1,"interactions":[]}`)
	_, err = send(t, empty, "GET", "http://agent/x", "")
	if want := "cassette: request 1: the recording holds only 0 requests; got GET /x"; !errors.As(err, &me) || me.Error() != want {
		t.Errorf("message:\n%v\nwant:\n%s", me, want)
	}
}

func TestReplayToleratesReordering(t *testing.T) {
	r, c := replayer(t, listing)
	steps := []struct{ method, url, body, want string }{
		{"POST", "http://agent/usergroup/insert", `{"name":"A","active":true}`, `{"id":"a"}`},
		{"GET", "http://agent/usergroup/get_all?page=2&pagesize=50", "", `{"data":[2],"total":3}`},
		{"GET", "http://agent/usergroup/get_all?page=1&pagesize=50", "", `{"data":[1],"total":3}`},
	}
	for i, s := range steps {
		got, err := send(t, c, s.method, s.url, s.body)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got.body != s.want {
			t.Errorf("step %d answered %s, want %s", i, got.body, s.want)
		}
		if rem := r.Remaining(); rem != 2-i {
			t.Errorf("step %d: Remaining() = %d, want %d", i, rem, 2-i)
		}
	}
}

func TestReplayRepeatsInOrder(t *testing.T) {
	_, c := replayer(t, `{"version":1,"interactions":[
		{"request":{"method":"GET","path":"/usergroup/get_all","query":""},"response":{"status":200,"body":{"total":1}}},
		{"request":{"method":"DELETE","path":"/usergroup/delete","query":"id=g1"},"response":{"status":200}},
		{"request":{"method":"GET","path":"/usergroup/get_all","query":""},"response":{"status":200,"body":{"total":0}}}]}`)
	for _, s := range []struct{ method, url, want string }{
		{"GET", "http://agent/usergroup/get_all", `{"total":1}`},
		{"DELETE", "http://agent/usergroup/delete?id=g1", ``},
		{"GET", "http://agent/usergroup/get_all", `{"total":0}`},
	} {
		got, err := send(t, c, s.method, s.url, "")
		if err != nil {
			t.Fatal(err)
		}
		if got.body != s.want {
			t.Errorf("%s %s answered %q, want %q", s.method, s.url, got.body, s.want)
		}
	}
}

func TestReplayCancelledContext(t *testing.T) {
	r, _ := replayer(t, listing)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", "http://agent/usergroup/get_all?page=1&pagesize=50", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.RoundTrip(req); !errors.Is(err, context.Canceled) {
		t.Errorf("RoundTrip with a cancelled context: %v", err)
	}
	if r.Remaining() != 3 {
		t.Errorf("a cancelled request used an interaction: Remaining() = %d", r.Remaining())
	}
}

func TestReplayResponse(t *testing.T) {
	r, _ := replayer(t, `{"version":1,"interactions":[
		{"request":{"method":"GET","path":"/x","query":""},
		 "response":{"status":499,"headers":{"content-type":"application/json","error-code":"NOT_FOUND"},"body":{"type":"NOT_FOUND"}}}]}`)
	req, err := http.NewRequest("GET", "http://agent/x", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := r.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 499 || resp.Status != "499" || resp.Header.Get("Error-Code") != "NOT_FOUND" ||
		resp.ContentLength != int64(len(`{"type":"NOT_FOUND"}`)) || resp.Request != req {
		t.Errorf("response: %+v", resp)
	}
}
