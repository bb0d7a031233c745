package bindings

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/emulator"
	"github.com/clickscript/clickscript/stdlib"
)

// This file checks what the bindings send for the FOUND facts of the
// contract (../shared/api/click-api.md) they rely on: the user list's
// filters [click:user.md] and the import body [click:usergroup.md]
// [web:usergroup.md], read from the requests themselves.

// sent is one request as the agent received it.
type sent struct {
	method, path, query, body string
}

// wire is a Lua state whose client talks to an emulator through a recorder
// of every request.
type wire struct {
	*harness
	mu   sync.Mutex
	reqs []sent
}

func newWire(t *testing.T, emOpts emulator.Options, dryRun bool) *wire {
	t.Helper()
	emOpts.Deterministic = true
	emOpts.Token = "tok-bindings-wire"
	em, err := emulator.New(emOpts)
	if err != nil {
		t.Fatal(err)
	}
	w := &wire{harness: &harness{out: &bytes.Buffer{}, logs: &bytes.Buffer{}, reqs: map[string]int{}}}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		q := r.URL.Query()
		q.Del(clickapi.TokenParam)
		w.mu.Lock()
		w.reqs = append(w.reqs, sent{r.Method, r.URL.Path, q.Encode(), string(body)})
		w.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		em.ServeHTTP(rw, r)
	}))
	client, err := clickapi.New(clickapi.Options{BaseURL: srv.URL, Token: em.Token()})
	if err != nil {
		t.Fatal(err)
	}
	L := lua.NewState()
	L.SetContext(context.Background())
	logger := slog.New(slog.NewTextHandler(w.logs, nil))
	stdlib.Open(L, stdlib.Options{Logger: logger})
	Open(L, Options{Client: client, Logger: logger, DryRun: dryRun, Concurrency: 3, BatchSize: 7})
	L.SetGlobal("print", L.NewFunction(func(L *lua.LState) int {
		var parts []string
		for i := 1; i <= L.GetTop(); i++ {
			parts = append(parts, L.ToStringMeta(L.Get(i)).String())
		}
		fmt.Fprintln(w.out, strings.Join(parts, "\t"))
		return 0
	}))
	w.L = L
	t.Cleanup(func() { L.Close(); srv.Close(); em.Close() })
	return w
}

// requests returns the requests to path, and forgets every request.
func (w *wire) requests(path string) []sent {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []sent
	for _, r := range w.reqs {
		if r.path == path {
			out = append(out, r)
		}
	}
	w.reqs = nil
	return out
}

// [click:user.md]: userStatus and userType filter the user list, as flag
// masks; scripts name them or give numbers, and "all" of userType sends
// no parameter (I21).
func TestUserListFilters(t *testing.T) {
	w := newWire(t, emulator.Options{Seed: "demo"}, false)
	for src, want := range map[string]string{
		`user.list{}`:                                         "",
		`user.list{userStatus = "active"}`:                    "userStatus=1",
		`user.list{userStatus = {"active", "pending"}}`:       "userStatus=5",
		`user.list{status = "Inactive | pending"}`:            "userStatus=6",
		`user.list{userStatus = 7}`:                           "userStatus=7",
		`user.list{userStatus = "all"}`:                       "userStatus=7",
		`user.list{userType = "desktop_admin"}`:               "userType=16",
		`user.list{type = {16, "desktop_standard_user"}}`:     "userType=80",
		`user.list{userType = "DesktopCreativeUser"}`:         "userType=32",
		`user.list{userType = "account-admin|account_user"}`:  "userType=12",
		`user.list{userType = "all"}`:                         "",
		`user.list{username = "ada", userStatus = "pending"}`: "userStatus=4&username=ada",
	} {
		w.run(t, "local it = "+src+" it:first()")
		reqs := w.requests(clickapi.RouteUsers)
		if len(reqs) != 1 {
			t.Fatalf("%s: %d requests", src, len(reqs))
		}
		q := strings.ReplaceAll(reqs[0].query, "page=1&", "")
		q = strings.TrimPrefix(strings.ReplaceAll(q, "pagesize=1", ""), "&")
		q = strings.TrimSuffix(strings.ReplaceAll(q, "&&", "&"), "&")
		if q != want {
			t.Errorf("%s sent %q (whole query %q), want %q", src, q, reqs[0].query, want)
		}
	}
	for src, want := range map[string]string{
		`user.list{userStatus = "gone"}`:                   `user.list: option "userStatus": unknown name "gone" (known: active, inactive, pending, all)`,
		`user.list{userType = "admin"}`:                    `unknown name "admin" (known: provider_admin, reseller_admin, account_admin, account_user, desktop_admin, desktop_creative_user, desktop_standard_user, all)`,
		`user.list{userType = 1.5}`:                        `option "userType": 1.5 is not a flag value`,
		`user.list{userType = true}`:                       `option "userType": a name, a number or a list of them expected, got boolean`,
		`user.list{status = "active", userStatus = "all"}`: `options "userStatus" and "status" are the same filter: give one`,
	} {
		if got := w.fail(t, src); !strings.Contains(got, want) {
			t.Errorf("%s:\n got: %s\nwant: %s", src, got, want)
		}
	}
}

// importBody decodes the import requests' bodies into one list.
func importBody(t *testing.T, reqs []sent) []map[string]any {
	t.Helper()
	var all []map[string]any
	for _, r := range reqs {
		var part []map[string]any
		if err := json.Unmarshal([]byte(r.body), &part); err != nil {
			t.Fatalf("import body %q: %v", r.body, err)
		}
		all = append(all, part...)
	}
	return all
}

// [click:usergroup.md] [web:usergroup.md]: each import entry sends the
// user's username, email (the username unless given), userType,
// firstName and lastName, and each group's name with its id.
func TestImportSendsTheUnionOfBothSamples(t *testing.T) {
	w := newWire(t, emulator.Options{Seed: "demo"}, false)
	w.run(t, `
local g = usergroup.find("Design Team")
usergroup.import{
  {user = {username = "new.one@example.com", firstName = "New", lastName = "One"}, userGroups = {{name = "design team"}}},
  {user = {username = "new.two@example.com", email = "two@mail.example.com", userType = "desktop_creative_user"}, userGroups = {{id = g.id}}},
}`)
	entries := importBody(t, w.requests(clickapi.RouteImportUsers))
	if len(entries) != 2 {
		t.Fatalf("%d entries sent: %v", len(entries), entries)
	}
	got, _ := json.Marshal(entries)
	var g struct{ ID string }
	for _, e := range entries {
		groups := e["userGroups"].([]any)
		ref := groups[0].(map[string]any)
		if ref["name"] != "Design Team" || ref["id"] == "" || ref["id"] == nil {
			t.Errorf("group ref %v: want the name Design Team and its id", ref)
		}
		g.ID = ref["id"].(string)
	}
	want := `[{"user":{"email":"new.one@example.com","firstName":"New","lastName":"One","userType":64,"username":"new.one@example.com"},"userGroups":[{"id":"` + g.ID + `","name":"Design Team"}]},` +
		`{"user":{"email":"two@mail.example.com","userType":32,"username":"new.two@example.com"},"userGroups":[{"id":"` + g.ID + `","name":"Design Team"}]}]`
	if string(got) != want {
		t.Errorf("import entries\n%s\nwant\n%s", got, want)
	}
	if msg := w.fail(t, `usergroup.import{{user = {username = "x@example.com", userType = "boss"}, userGroups = {{name = "Design Team"}}}}`); !strings.Contains(msg, `item 1 (x@example.com): user.userType: unknown user type "boss"`) {
		t.Errorf("bad userType: %s", msg)
	}
}

// clickscript refuses a group it cannot find unless the script passes
// create_groups = true; then it creates each missing group once, one at a
// time before the first batch, and a dry run lists them in its plan.
func TestImportCreateGroups(t *testing.T) {
	const script = `
local r = usergroup.import({
  {user = {username = "a.new@example.com"}, userGroups = {{name = "Brand New"}, {name = "Design Team"}}},
  {user = {username = "b.new@example.com"}, userGroups = {{name = "brand new"}, {name = "Second New"}}},
}, OPTS)
print(r.added, r.created_users)
`
	t.Run("refused without the option", func(t *testing.T) {
		w := newWire(t, emulator.Options{Seed: "demo"}, false)
		msg := w.fail(t, strings.Replace(script, "OPTS", "{}", 1))
		for _, want := range []string{"3 bad rows; nothing was sent", `item 1: group: no group named "Brand New" (create_groups = true creates the missing groups)`, `no group named "Second New"`} {
			if !strings.Contains(msg, want) {
				t.Errorf("error lacks %q:\n%s", want, msg)
			}
		}
		if n := len(w.requests(clickapi.RouteInsertGroup)); n != 0 {
			t.Errorf("%d inserts", n)
		}
	})
	t.Run("created once each, before the first batch", func(t *testing.T) {
		w := newWire(t, emulator.Options{Seed: "demo"}, false)
		out := w.run(t, strings.Replace(script, "OPTS", "{create_groups = true, batch = 1}", 1))
		if out != "4\t2\n" {
			t.Errorf("result %q", out)
		}
		w.mu.Lock()
		reqs := append([]sent(nil), w.reqs...)
		w.mu.Unlock()
		var order []string
		for _, r := range reqs {
			switch r.path {
			case clickapi.RouteInsertGroup:
				order = append(order, "insert "+r.body)
			case clickapi.RouteImportUsers:
				order = append(order, "import")
			}
		}
		want := []string{`insert {"name":"Brand New","description":"","active":true}`, `insert {"name":"Second New","description":"","active":true}`, "import", "import", "import", "import"}
		if strings.Join(order, "\n") != strings.Join(want, "\n") {
			t.Errorf("writes in order:\n%s\nwant\n%s", strings.Join(order, "\n"), strings.Join(want, "\n"))
		}
		for _, e := range importBody(t, w.requests(clickapi.RouteImportUsers)) {
			ref := e["userGroups"].([]any)[0].(map[string]any)
			if id, _ := ref["id"].(string); len(id) != 36 {
				t.Errorf("group %v sent without its new id", ref)
			}
		}
		if out := w.run(t, `print(usergroup.find("Brand New") ~= nil, usergroup.find("Second New") ~= nil)`); out != "true\ttrue\n" {
			t.Errorf("groups after: %q", out)
		}
	})
	t.Run("dry run plans them", func(t *testing.T) {
		w := newWire(t, emulator.Options{Seed: "demo"}, true)
		w.run(t, strings.Replace(script, "OPTS", "{create_groups = true}", 1))
		logs := w.logs.String()
		for _, want := range []string{"create_groups=2", `"  + create group" group="Brand New"`, `"  + create group" group="Second New"`, "dry run: not sent"} {
			if !strings.Contains(logs, want) {
				t.Errorf("dry-run plan lacks %q:\n%s", want, logs)
			}
		}
		w.mu.Lock()
		for _, r := range w.reqs {
			if r.method != "GET" {
				t.Errorf("dry run sent %s %s", r.method, r.path)
			}
		}
		w.mu.Unlock()
	})
}

// CSV imports may carry optional email and userType columns.
func TestImportCSVEmailAndUserType(t *testing.T) {
	w := newWire(t, emulator.Options{Seed: "demo"}, false)
	dir := t.TempDir()
	good := filepath.Join(dir, "m.csv")
	os.WriteFile(good, []byte("username,email,userType,group\ncsv.one@example.com,,,Design Team\ncsv.two@example.com,two@mail.example.com,desktop_admin,Design Team\n"), 0o644)
	w.run(t, fmt.Sprintf("usergroup.import_csv(%q)", good))
	entries := importBody(t, w.requests(clickapi.RouteImportUsers))
	if len(entries) != 2 {
		t.Fatalf("%d entries", len(entries))
	}
	u1, u2 := entries[0]["user"].(map[string]any), entries[1]["user"].(map[string]any)
	if u1["email"] != "csv.one@example.com" || u1["userType"] != float64(64) || u2["email"] != "two@mail.example.com" || u2["userType"] != float64(16) {
		t.Errorf("users sent: %v, %v", u1, u2)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("username,userType,group\nx@example.com,superuser,Design Team\n"), 0o644)
	if msg := w.fail(t, fmt.Sprintf("usergroup.import_csv(%q)", bad)); !strings.Contains(msg, "bad.csv:2: userType: unknown user type \"superuser\"") {
		t.Errorf("bad userType: %s", msg)
	}
}

// An insert whose outcome is unknown is resent only after a look-up shows
// the group is not there; when the look-up fails too, it is not resent.
func TestInsertNotResentBlind(t *testing.T) {
	var mu sync.Mutex
	inserts, lookups := 0, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch r.URL.Path {
		case clickapi.RouteInsertGroup:
			inserts++
			w.WriteHeader(http.StatusInternalServerError)
		case clickapi.RouteGroups:
			lookups++
			w.Header().Set(clickapi.ErrorCodeHeader, clickapi.CodeAccess)
			w.WriteHeader(clickapi.StatusValidation)
		}
	}))
	t.Cleanup(srv.Close)
	client, _ := clickapi.New(clickapi.Options{BaseURL: srv.URL, Token: "tok-blind", Retry: clickapi.RetryPolicy{MaxAttempts: 2, BaseDelay: 1, MaxDelay: 1}})
	L := lua.NewState()
	defer L.Close()
	L.SetContext(context.Background())
	Open(L, Options{Client: client, Logger: slog.New(slog.DiscardHandler)})
	err := L.DoString(`usergroup.insert{name = "Blind"}`)
	ae, ok := err.(*lua.ApiError)
	if !ok {
		t.Fatalf("err = %v", err)
	}
	if msg := L.ToStringMeta(ae.Object).String(); !strings.Contains(msg, "500 Internal Server Error") || !strings.Contains(msg, "whether the group was created is unknown") {
		t.Fatalf("error %s", msg)
	}
	if inserts != 1 || lookups != 1 {
		t.Errorf("%d inserts, %d look-ups; want 1 and 1", inserts, lookups)
	}
}

// [web:usergroup.md]: without an active subscription import_users answers
// 402 before any work; the script gets a clear error, and nothing changed.
func TestImportWithoutSubscription(t *testing.T) {
	w := newWire(t, emulator.Options{Seed: "demo", NoSubscription: true}, false)
	msg := w.fail(t, `usergroup.import{{user = {username = "no.seat@example.com"}, userGroups = {{name = "Design Team"}}}}`)
	if !strings.Contains(msg, "usergroup.import: batch 1 of 1") || !strings.Contains(msg, "402 Payment Required: no active subscription") {
		t.Errorf("error: %s", msg)
	}
	if n := len(w.requests(clickapi.RouteImportUsers)); n != 1 {
		t.Errorf("%d import requests: a 402 is not resent", n)
	}
	if out := w.run(t, `print(user.list{username = "no.seat"}:count())`); out != "0\n" {
		t.Errorf("users after a refused import: %q", out)
	}
}
