package clickapi

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

// TestOutcomeUnknown checks which failed writes are marked
// ErrOutcomeUnknown: those the agent may have applied (an answer lost
// after the request reached it, a 500), not those it refused (503, a
// problem answer, a connection that never carried the request), and
// never a read.
func TestOutcomeUnknown(t *testing.T) {
	reset := func(w http.ResponseWriter) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	}
	for _, tc := range []struct {
		name    string
		serve   func(w http.ResponseWriter, n int)
		unknown bool
	}{
		{"answer lost every time", func(w http.ResponseWriter, n int) { reset(w) }, true},
		{"answer lost, then 400", func(w http.ResponseWriter, n int) {
			if n == 1 {
				reset(w)
				return
			}
			problem(w, CodeDefault, "bad")
		}, true},
		{"500 every time", func(w http.ResponseWriter, n int) { w.WriteHeader(500) }, true},
		{"503 every time", func(w http.ResponseWriter, n int) { w.WriteHeader(503) }, false},
		{"400", func(w http.ResponseWriter, n int) { problem(w, CodeDefault, "bad") }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, mux := setup(t)
			n := 0
			mux.HandleFunc(RouteAssignUsers, func(w http.ResponseWriter, r *http.Request) { n++; tc.serve(w, n) })
			mux.HandleFunc(RouteAssignedUsers, func(w http.ResponseWriter, r *http.Request) { reset(w) })
			err := c.AssignUsers(context.Background(), []UserUserGroup{{UserID: "u", UserGroupID: "g"}})
			if err == nil || errors.Is(err, ErrOutcomeUnknown) != tc.unknown {
				t.Errorf("err = %v; ErrOutcomeUnknown %v, want %v", err, errors.Is(err, ErrOutcomeUnknown), tc.unknown)
			}
			if _, err := c.ListAssignedUsers(context.Background(), "g", ListOptions{}); err == nil || errors.Is(err, ErrOutcomeUnknown) {
				t.Errorf("a read's error %v is marked ErrOutcomeUnknown", err)
			}
		})
	}
}
