package emulator

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/clickscript/clickscript/clickapi"
)

var long = flag.Bool("long", false, "run the long durability, load and fault variants")

// longTests reports whether the long variants run: with -long, or with
// CLICKSCRIPT_LONG set in the environment (which works for ./... too).
func longTests() bool { return *long || os.Getenv("CLICKSCRIPT_LONG") != "" }

// TestLoadNoLostWrites runs 16 clients of 500 writes each against one
// emulator, in memory and persisted, and checks that nothing answered 200
// is lost. By default the clients call the handler in-process and the
// persisted run makes 100 writes per client (each syncs the file); -long
// sends every request over TCP and makes 500 writes per client in both.
func TestLoadNoLostWrites(t *testing.T) {
	const workers, writes = 16, 500
	t.Run("memory", func(t *testing.T) {
		loadNoLostWrites(t, Options{Seed: "demo"}, workers, writes, longTests())
	})
	t.Run("bbolt", func(t *testing.T) {
		n := writes / 5
		if longTests() {
			n = writes
		}
		loadNoLostWrites(t, Options{Seed: "demo", DBPath: filepath.Join(t.TempDir(), "load.db")}, workers, n, longTests())
	})
}

// loadState is what one load worker expects the emulator to hold of its
// own records: everything that was answered 200.
type loadState struct {
	groups  map[string]string          // group name -> id
	descs   map[string]string          // group name -> description
	users   map[string]string          // username -> id ("" until looked up)
	members map[string]map[string]bool // group name -> usernames
}

// loadNoLostWrites runs workers clients that each make writes writes
// (insert group, import, assign, unassign, in turn, on their own records)
// against one emulator over HTTP, then checks that the emulator holds
// exactly what was answered 200, and for a persisted one, holds it again
// after reopening the file. overTCP sends the requests through an
// httptest.Server; else the clients call the handler in-process, which the
// race detector slows down far less.
func loadNoLostWrites(t *testing.T, opts Options, workers, writes int, overTCP bool) {
	e := newEmu(t, opts)
	base := e.Stats()
	srv := httptest.NewServer(e)
	defer srv.Close()
	hc := &http.Client{Transport: handlerTransport{e}}
	if overTCP {
		hc = nil
	}
	c, err := clickapi.New(clickapi.Options{BaseURL: srv.URL, Token: e.Token(), HTTPClient: hc, Retry: clickapi.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	states := make([]*loadState, workers)
	var wg sync.WaitGroup
	for w := range workers {
		states[w] = &loadState{groups: map[string]string{}, descs: map[string]string{}, users: map[string]string{}, members: map[string]map[string]bool{}}
		wg.Go(func() { loadWorker(ctx, t, c, w, writes, states[w]) })
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	want := base
	for _, s := range states {
		want.Groups += len(s.groups)
		want.Users += len(s.users)
		for _, m := range s.members {
			want.Memberships += len(m)
		}
	}
	if got := e.Stats(); got != want {
		t.Errorf("stats %+v, want %+v", got, want)
	}
	for w, s := range states {
		checkLoadState(ctx, t, c, w, s)
	}
	t.Logf("%d workers x %d writes: %d writes answered 200, 0 lost; stats %+v", workers, writes, workers*writes, e.Stats())
	if opts.DBPath == "" || t.Failed() {
		return
	}

	srv.Close()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e2 := newEmu(t, Options{DBPath: opts.DBPath})
	if got := e2.Stats(); got != want {
		t.Errorf("reopened: stats %+v, want %+v", got, want)
	}
	c2, err := clickapi.New(clickapi.Options{BaseURL: "http://emulator.invalid", Token: e2.Token(), HTTPClient: &http.Client{Transport: handlerTransport{e2}}})
	if err != nil {
		t.Fatal(err)
	}
	for w, s := range states {
		checkLoadState(ctx, t, c2, w, s)
	}
}

// loadWorker makes writes writes for worker w and records in s those that
// were answered 200. Lookups of ids are reads and do not count.
func loadWorker(ctx context.Context, t *testing.T, c *clickapi.Client, w, writes int, s *loadState) {
	rng := rand.New(rand.NewPCG(uint64(w), 1))
	pick := func(m map[string]string) string {
		keys := slices.Sorted(maps.Keys(m))
		return keys[rng.IntN(len(keys))]
	}
	for i := range writes {
		op := i % 4
		if op == 3 && !hasMembers(s) {
			op = 1
		}
		switch op {
		case 0:
			name := fmt.Sprintf("Load %02d-%03d", w, i)
			desc := fmt.Sprintf("worker %d write %d", w, i)
			g, err := c.InsertUserGroup(ctx, clickapi.NewUserGroup{Name: name, Description: desc, Active: i%8 == 0})
			if err != nil {
				t.Errorf("worker %d: insert %s: %v", w, name, err)
				return
			}
			s.groups[name], s.descs[name] = g.ID, desc
		case 1:
			username := fmt.Sprintf("load-%02d-%03d@example.com", w, i)
			group := pick(s.groups)
			err := c.ImportUsers(ctx, []clickapi.UserUserGroupRelation{{
				User:       clickapi.ImportUser{Username: username, FirstName: "Load", LastName: fmt.Sprint(w)},
				UserGroups: []clickapi.GroupRef{{ID: s.groups[group]}},
			}})
			if err != nil {
				t.Errorf("worker %d: import %s: %v", w, username, err)
				return
			}
			s.users[username] = ""
			addMember(s, group, username)
		case 2:
			username, group := pick(s.users), pick(s.groups)
			uid, err := userID(ctx, c, s, username)
			if err != nil {
				t.Errorf("worker %d: %v", w, err)
				return
			}
			if err := c.AssignUsers(ctx, []clickapi.UserUserGroup{{UserID: uid, UserGroupID: s.groups[group]}}); err != nil {
				t.Errorf("worker %d: assign %s to %s: %v", w, username, group, err)
				return
			}
			addMember(s, group, username)
		case 3:
			group, username := randomMember(s, rng)
			rows, err := c.ListAssignedUsers(ctx, s.groups[group], clickapi.ListOptions{Username: username})
			if err != nil {
				t.Errorf("worker %d: members of %s: %v", w, group, err)
				return
			}
			id := ""
			for _, r := range rows.Data {
				if r.User != nil && r.User.Username == username && r.UserUserGroup != nil {
					id = r.UserUserGroup.ID
				}
			}
			if id == "" {
				t.Errorf("worker %d: %s is not listed in %s", w, username, group)
				return
			}
			if err := c.UnassignUser(ctx, id); err != nil {
				t.Errorf("worker %d: unassign %s from %s: %v", w, username, group, err)
				return
			}
			delete(s.members[group], username)
		}
	}
}

func addMember(s *loadState, group, username string) {
	if s.members[group] == nil {
		s.members[group] = map[string]bool{}
	}
	s.members[group][username] = true
}

func hasMembers(s *loadState) bool {
	for _, m := range s.members {
		if len(m) > 0 {
			return true
		}
	}
	return false
}

// randomMember picks one of the worker's memberships.
func randomMember(s *loadState, rng *rand.Rand) (group, username string) {
	var all [][2]string
	for _, g := range slices.Sorted(maps.Keys(s.members)) {
		for _, u := range slices.Sorted(maps.Keys(s.members[g])) {
			all = append(all, [2]string{g, u})
		}
	}
	p := all[rng.IntN(len(all))]
	return p[0], p[1]
}

// userID looks up (once) the id of a user the worker imported.
func userID(ctx context.Context, c *clickapi.Client, s *loadState, username string) (string, error) {
	if id := s.users[username]; id != "" {
		return id, nil
	}
	users, err := c.ListUsers(ctx, clickapi.ListOptions{Username: username})
	if err != nil {
		return "", fmt.Errorf("find user %s: %w", username, err)
	}
	for _, u := range users.Data {
		if u.Username == username {
			s.users[username] = u.ID
			return u.ID, nil
		}
	}
	return "", fmt.Errorf("user %s was imported but is not listed", username)
}

// checkLoadState fails unless the emulator behind c holds exactly worker
// w's expected groups, users and memberships.
func checkLoadState(ctx context.Context, t *testing.T, c *clickapi.Client, w int, s *loadState) {
	t.Helper()
	groups, err := c.UserGroups(ctx, clickapi.ListOptions{Name: fmt.Sprintf("Load %02d-", w), PageSize: 1000}).All()
	if err != nil {
		t.Fatal(err)
	}
	gotGroups := map[string]string{}
	for _, g := range groups {
		gotGroups[g.Name] = g.ID
		if g.Description != s.descs[g.Name] {
			t.Errorf("group %s: description %q, want %q", g.Name, g.Description, s.descs[g.Name])
		}
	}
	if !maps.Equal(gotGroups, s.groups) {
		t.Errorf("worker %d: %d groups, want %d", w, len(gotGroups), len(s.groups))
	}
	users, err := c.Users(ctx, clickapi.ListOptions{Username: fmt.Sprintf("load-%02d-", w), PageSize: 1000}).All()
	if err != nil {
		t.Fatal(err)
	}
	gotUsers := map[string]bool{}
	for _, u := range users {
		gotUsers[u.Username] = true
		if u.Firstname != "Load" || u.Lastname != fmt.Sprint(w) {
			t.Errorf("user %s: name %q %q, want Load %d", u.Username, u.Firstname, u.Lastname, w)
		}
	}
	if len(gotUsers) != len(s.users) {
		t.Errorf("worker %d: %d users, want %d", w, len(gotUsers), len(s.users))
	}
	for u := range s.users {
		if !gotUsers[u] {
			t.Errorf("worker %d: user %s is missing", w, u)
		}
	}
	for name, id := range s.groups {
		rows, err := c.AssignedUsers(ctx, id, clickapi.ListOptions{PageSize: 1000}).All()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, r := range rows {
			got[r.User.Username] = true
		}
		want := s.members[name]
		if len(got) != len(want) {
			t.Errorf("group %s: %d members, want %d", name, len(got), len(want))
		}
		for u := range want {
			if !got[u] {
				t.Errorf("group %s: member %s is missing", name, u)
			}
		}
	}
}

// handlerTransport is an http.RoundTripper that serves every request with
// h in-process, without a network connection.
type handlerTransport struct{ h http.Handler }

// RoundTrip serves r with h.
func (ht handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if r.Body == nil {
		r.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	ht.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}
