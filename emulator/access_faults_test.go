package emulator

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

// Faults apply to the access routes like to the others: every method of
// every access route gets the injected answer.
func TestFaultsOnAccessRoutes(t *testing.T) {
	e := newEmu(t, Options{Seed: "demo", Deterministic: true, Faults: Faults{Internal: 1}})
	n := 0
	for path, rts := range accessRoutes() {
		for _, rt := range rts {
			n++
			a := call(t, e, rt.method, path, "[]")
			if a.status != http.StatusInternalServerError || len(a.body) != 0 {
				t.Errorf("%s %s: %d %s, want an injected empty 500", rt.method, path, a.status, a.body)
			}
		}
	}
	if got := e.FaultCounts()[FaultInternal]; got != n || n != 30 {
		t.Fatalf("%d faults injected over %d endpoints, want 30", got, n)
	}
}

// A reset-after fault on a permission grant applies the grant and drops
// the answer; a fault-free emulator on the same file shows it, and a
// truncated list answer is cut short.
func TestFaultsOnPermissionWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "click.db")
	opts := Options{Token: testToken, Seed: "demo", DBPath: path, Deterministic: true}
	e := newEmu(t, opts)
	finance := groupNamed(t, e, "Finance")
	podcast := projectNamed(t, e, "Podcast Season 3")
	before, _ := permPage[groupProjectRow](t, e, routeProjectsOfGroup, url.Values{"userGroupId": {finance.ID}})
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	opts.Faults = Faults{ResetAfter: 1}
	faulty := newEmu(t, opts)
	srv := httptest.NewServer(faulty)
	body := fmt.Sprintf(`[{"userGroupId":%q,"projectId":%q,"permissionType":1}]`, finance.ID, podcast.ID)
	resp, err := http.Post(srv.URL+withToken(routeGroupProjectPerms, testToken), "application/json", strings.NewReader(body))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("reset-after answered %d", resp.StatusCode)
	}
	srv.Close()
	if err := faulty.Close(); err != nil {
		t.Fatal(err)
	}

	opts.Faults = Faults{Truncate: 1}
	cut := newEmu(t, opts)
	srv = httptest.NewServer(cut)
	defer srv.Close()
	resp, err = http.Get(srv.URL + withToken(routeProjectsOfGroup+"?userGroupId="+finance.ID, testToken))
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil && resp.ContentLength > 0 && int64(len(data)) == resp.ContentLength {
		t.Fatalf("truncate fault sent the whole body (%d bytes)", len(data))
	}
	if got := cut.FaultCounts()[FaultTruncate]; got != 1 {
		t.Fatalf("%d truncate faults, want 1", got)
	}
	srv.Close()
	if err := cut.Close(); err != nil {
		t.Fatal(err)
	}

	opts.Faults = Faults{}
	clean := newEmu(t, opts)
	after, _ := permPage[groupProjectRow](t, clean, routeProjectsOfGroup, url.Values{"userGroupId": {finance.ID}})
	if len(after) != len(before)+1 {
		t.Fatalf("Finance has %d project permissions after the reset grant, want %d", len(after), len(before)+1)
	}
}
