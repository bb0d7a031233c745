package emulator

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestAPITokenLifecycle(t *testing.T) {
	e := demoEmu(t)
	list := func() []apiTokenJSON { return decode[[]apiTokenJSON](t, call(t, e, "GET", routeAPITokens, "")) }
	a := call(t, e, "GET", routeAPITokens, "")
	if string(a.body) != "[]" {
		t.Fatalf("no tokens yet: %s, want a bare empty array", a.body)
	}
	ci := decode[apiTokenJSON](t, call(t, e, "POST", routeInsertAPIToken, `{"title":"CI pipeline","expirationDate":"2027-01-01T00:00:00Z"}`))
	if ci.ID == "" || ci.Title != "CI pipeline" || !strings.HasPrefix(ci.Token, apiTokenPrefix) ||
		ci.ExpirationDate == nil || *ci.ExpirationDate != "2027-01-01T00:00:00Z" || ci.CreateDate == "" {
		t.Fatalf("insert answered %+v", ci)
	}
	// Web keys are accepted and ignored; no expirationDate is null.
	ops := call(t, e, "POST", routeInsertAPIToken, `{"Title":"watch service","isEncrypted":false,"encryptionKey":""}`)
	if !strings.Contains(string(ops.body), `"expirationDate":null`) {
		t.Fatalf("a token without expiry: %s", ops.body)
	}
	watch := decode[apiTokenJSON](t, ops)
	if got := list(); len(got) != 2 || got[0].ID != watch.ID || got[1].ID != ci.ID || got[1].Token != ci.Token {
		t.Fatalf("get_all (newest first): %+v", got)
	}
	// Paging parameters of the Web twin are ignored: still a bare array.
	if got := decode[[]apiTokenJSON](t, call(t, e, "GET", routeAPITokens+"?page=2&pagesize=1", "")); len(got) != 2 {
		t.Fatalf("get_all with paging params: %d tokens", len(got))
	}

	// I2: the minted token is a token like the session's.
	if a := raw(t, e, "GET", withToken(routeGroups+"?pagesize=1", ci.Token), ""); a.status != http.StatusOK {
		t.Fatalf("the API token answers %d", a.status)
	}
	if a := raw(t, e, "POST", withToken(routeInsertAPIToken, ci.Token), `{"title":"minted by a token"}`); a.status != http.StatusOK {
		t.Fatalf("the API token cannot write: %d %s", a.status, a.body)
	}
	// I17: deleted, it answers 401; the others still work.
	wantOK(t, raw(t, e, "DELETE", withToken(routeDeleteAPIToken+"?id="+ci.ID, ci.Token), ""))
	for _, route := range []string{routeGroups, routeAPITokens, routeProjects} {
		if a := raw(t, e, "GET", withToken(route, ci.Token), ""); a.status != http.StatusUnauthorized || len(a.body) != 0 {
			t.Fatalf("%s with a deleted API token: %d %s", route, a.status, a.body)
		}
	}
	if a := raw(t, e, "GET", withToken(routeGroups, watch.Token), ""); a.status != http.StatusOK {
		t.Fatalf("another API token after the delete: %d", a.status)
	}
	wantProblem(t, call(t, e, "DELETE", routeDeleteAPIToken+"?id="+ci.ID, ""), codeNotFound, "id: no api token "+ci.ID)
	for _, got := range list() {
		if got.ID == ci.ID {
			t.Fatalf("the deleted token is listed")
		}
	}
}

func TestAPITokenExpiry(t *testing.T) {
	e := demoEmu(t)
	e.mu.RLock()
	now := e.st.now()
	e.mu.RUnlock()
	// The deterministic clock advances a second per write: a token that
	// expires three seconds on lives for two more writes.
	exp := formatTime(now + 3e9)
	tok := decode[apiTokenJSON](t, call(t, e, "POST", routeInsertAPIToken, `{"title":"short","expirationDate":"`+exp+`"}`))
	ok := func() bool {
		return raw(t, e, "GET", withToken(routeAPITokens, tok.Token), "").status == http.StatusOK
	}
	if !ok() {
		t.Fatal("a fresh token is refused")
	}
	call(t, e, "POST", routeInsertGroup, `{"name":"Tick One"}`)
	if !ok() {
		t.Fatal("the token expired a write early")
	}
	call(t, e, "POST", routeInsertGroup, `{"name":"Tick Two"}`)
	if ok() {
		t.Fatal("the token outlived its expirationDate")
	}
}

func TestAPITokenInsertErrors(t *testing.T) {
	e := demoEmu(t)
	invalid := invalidf("").code
	for _, tc := range []struct{ body, msg string }{
		{`{"title":"  "}`, "title: required"},
		{`{}`, "title: required"},
		{`{"title":"` + strings.Repeat("t", maxTokenTitle+1) + `"}`, "title: at most 100 characters"},
		{`{"title":"x","expirationDate":"next year"}`, `expirationDate: "next year" is not a date-time`},
		{`{"title":"x","expirationDate":"2020-01-01T00:00:00Z"}`, "expirationDate: 2020-01-01T00:00:00Z is not in the future"},
		{`{"title":"x","expirationDate":7}`, "expirationDate: expected a string"},
		{``, "body: required"},
	} {
		wantProblem(t, call(t, e, "POST", routeInsertAPIToken, tc.body), invalid, tc.msg)
	}
	if got := decode[[]apiTokenJSON](t, call(t, e, "GET", routeAPITokens, "")); len(got) != 0 {
		t.Fatalf("refused inserts made tokens: %+v", got)
	}
	wantProblem(t, call(t, e, "DELETE", routeDeleteAPIToken, ""), invalid, "id: required")
	// A date alone means midnight UTC.
	tok := decode[apiTokenJSON](t, call(t, e, "POST", routeInsertAPIToken, `{"title":"dated","expirationDate":"2027-06-30"}`))
	if tok.ExpirationDate == nil || *tok.ExpirationDate != "2027-06-30T00:00:00Z" {
		t.Fatalf("date-only expiry: %+v", tok)
	}
}

// Random emulators mint random token values; a persisted token survives
// a restart and its deletion too.
func TestAPITokensPersist(t *testing.T) {
	path := t.TempDir() + "/click.db"
	e, err := New(Options{DBPath: path, Seed: "demo", Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	a := decode[apiTokenJSON](t, call(t, e, "POST", routeInsertAPIToken, `{"title":"a"}`))
	b := decode[apiTokenJSON](t, call(t, e, "POST", routeInsertAPIToken, `{"title":"b","expirationDate":"2099-01-01T00:00:00Z"}`))
	if a.Token == b.Token || len(a.Token) < len(apiTokenPrefix)+32 {
		t.Fatalf("token values %q %q", a.Token, b.Token)
	}
	// I26: on the wall clock too, answers carry whole seconds in UTC.
	if ts, err := time.Parse(time.RFC3339, a.CreateDate); err != nil || ts.Format(time.RFC3339) != a.CreateDate || ts.Location() != time.UTC {
		t.Fatalf("createDate %q is not whole seconds in UTC: %v", a.CreateDate, err)
	}
	wantOK(t, call(t, e, "DELETE", routeDeleteAPIToken+"?id="+a.ID, ""))
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e2 := newEmu(t, Options{DBPath: path})
	got := decode[[]apiTokenJSON](t, call(t, e2, "GET", routeAPITokens, ""))
	if len(got) != 1 || got[0].ID != b.ID || got[0].Token != b.Token || got[0].CreateDate != b.CreateDate ||
		got[0].ExpirationDate == nil || *got[0].ExpirationDate != *b.ExpirationDate {
		t.Fatalf("after reopening: %+v, want %+v", got, b)
	}
	if ans := raw(t, e2, "GET", withToken(routeProjects, b.Token), ""); ans.status != http.StatusOK {
		t.Fatalf("persisted token answers %d", ans.status)
	}
	if ans := raw(t, e2, "GET", withToken(routeProjects, a.Token), ""); ans.status != http.StatusUnauthorized {
		t.Fatalf("deleted token answers %d after reopening", ans.status)
	}
}
