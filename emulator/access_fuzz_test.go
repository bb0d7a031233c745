package emulator

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"

	"github.com/clickscript/clickscript/clickapi"
)

// FuzzAccessHandler sends arbitrary requests with a valid token to the
// access routes of a demo emulator, as FuzzHandler does for the others:
// never a panic or a 500, only answers of the contract's shapes, and the
// permission and token indexes stay consistent.
func FuzzAccessHandler(f *testing.F) {
	e := newEmu(f, Options{Seed: "demo", Deterministic: true})
	var routes []string
	for r := range accessRoutes() {
		routes = append(routes, r)
	}
	slices.Sort(routes)
	idx := func(route string) uint8 { return uint8(slices.Index(routes, route)) }
	const (
		group   = "00000000-0000-4000-8000-000000000007" // Finance
		user    = "00000000-0000-4000-8000-00000000002d" // ada.lovelace@example.com
		project = "00000000-0000-4000-8000-000000000460" // Podcast Season 3
	)
	for _, s := range []struct{ method, route, query, body string }{
		{"GET", routeAPITokens, "", ""},
		{"POST", routeInsertAPIToken, "", `{"title":"fuzz","expirationDate":"2030-01-01"}`},
		{"POST", routeInsertAPIToken, "", `{"title":"","expirationDate":"soon"}`},
		{"DELETE", routeDeleteAPIToken, "id=00000000-0000-4000-8000-000000000001", ""},
		{"POST", routeInsertUser, "", `{"username":"fuzz@example.com","userType":32}`},
		{"PUT", routeEditUser, "", `{"id":"` + user + `","lastname":"L","userType":64}`},
		{"DELETE", routeDeleteUser, "id=" + user, ""},
		{"GET", routeUsersWithDetails, "username=a&pagesize=3", ""},
		{"GET", routeProjects, "deleted=true&sortfield=Description", ""},
		{"GET", routeDrivesWithDetails, "name=a", ""},
		{"POST", routeUserProjectPerms, "", `[{"userId":"` + user + `","projectId":"` + project + `","permissionType":2}]`},
		{"POST", routeGroupProjectPerms, "", `[{"userGroupId":"` + group + `","projectId":"` + project + `","permissionType":1},{"userGroupId":"` + group + `","projectId":"` + project + `","permissionType":2}]`},
		{"PUT", routeGroupProjectPerms, "", `[{"id":"00000000-0000-4000-8000-000000000466","permissionType":2}]`},
		{"DELETE", routeGroupDrivePerms, "id=00000000-0000-4000-8000-000000000478", ""},
		{"GET", routeGroupsOfDrive, "sharedCloudDrive=00000000-0000-4000-8000-000000000477&sortfield=Permission.PermissionType", ""},
		{"GET", routeProjectsOfUser, "userId=" + user + "&name=e&descending=true", ""},
		{"POST", routeUserDrivePerms, "", `[null,{}]`},
		{"PATCH", routeUserDrivePerms, "", ""},
	} {
		f.Add(s.method, idx(s.route), s.query, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, method string, route uint8, query string, body []byte) {
		path := routes[int(route)%len(routes)]
		raw := query
		if raw != "" {
			raw += "&"
		}
		raw += clickapi.TokenParam + "=" + e.Token()
		req := (&http.Request{
			Method:        method,
			URL:           &url.URL{Path: path, RawQuery: raw},
			Header:        http.Header{"Content-Type": {"application/json"}},
			Body:          io.NopCloser(bytes.NewReader(body)),
			ContentLength: int64(len(body)),
			Host:          "emulator.test",
		}).WithContext(context.Background())
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		checkAnswer(t, rec)
		checkIndexes(t, e)
		checkAccessIndexes(t, e)
	})
}

// checkAccessIndexes fails unless every permission record is in the pair,
// subject and object indexes once, and every token under its value.
func checkAccessIndexes(t *testing.T, e *Emulator) {
	t.Helper()
	e.mu.RLock()
	defer e.mu.RUnlock()
	a := &e.st.access
	if len(a.pairs) != len(a.perms) {
		t.Fatalf("%d permissions, %d pairs", len(a.perms), len(a.pairs))
	}
	count := func(m map[sideKey][]*perm) int {
		n := 0
		for _, list := range m {
			n += len(list)
		}
		return n
	}
	if s, o := count(a.bySubject), count(a.byObject); s != len(a.perms) || o != len(a.perms) {
		t.Fatalf("%d permissions, %d by subject, %d by object", len(a.perms), s, o)
	}
	for id, p := range a.perms {
		if a.pairs[p.key()] != p || p.id != id {
			t.Fatalf("permission %s is not indexed by its pair", id)
		}
	}
	if len(a.tokens) != len(a.tokenValues) {
		t.Fatalf("%d tokens, %d values", len(a.tokens), len(a.tokenValues))
	}
}
