package bindings

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clickscript/clickscript/audit"
	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/emulator"
)

// assignAll assigns every user to the first group, in batches of 7.
const assignAll = `
local g = usergroup.list{}:first()
local p = {}
for u in user.list{} do p[#p+1] = {userId = u.id, userGroupId = g.id} end
usergroup.assign(p)`

// TestBulkFailureStopsTheRestAndHintsTheJournal: one request at a time, a
// failed batch stops the batches after it, and the error says how many
// landed; when some did and a journal keeps them, it says how to finish.
func TestBulkFailureStopsTheRestAndHintsTheJournal(t *testing.T) {
	const assign = "POST " + clickapi.RouteAssignUsers
	tests := []struct {
		name     string
		failing  int // the assign request that fails
		journal  bool
		want     string
		wantNot  string
		requests int
	}{
		{"second batch fails, journal", 2, true,
			"batch 2 of 3 (item 8 to item 14): ", "", 2},
		{"first batch fails, journal", 1, true,
			"batch 1 of 3 (item 1 to item 7): ", "recorded in the journal", 1},
		{"second batch fails, no journal", 2, false,
			"(1 of 3 batches applied)", "journal", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{Sequential: true, BatchSize: 7}
			if tt.journal {
				j, err := audit.OpenJournal(filepath.Join(t.TempDir(), "j"), nil)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { j.Close() })
				opts.Journal = j
			}
			h := newHarnessWith(t, emulator.Options{Seed: "none", Groups: 1, Users: 21}, opts)
			h.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
				if r.Method+" "+r.URL.Path == assign && n == tt.failing {
					w.WriteHeader(http.StatusBadRequest)
					return true
				}
				return false
			}
			msg := h.fail(t, assignAll)
			if !strings.Contains(msg, tt.want) || tt.wantNot != "" && strings.Contains(msg, tt.wantNot) {
				t.Errorf("error %q: want %q and not %q", msg, tt.want, tt.wantNot)
			}
			if tt.journal && tt.failing == 2 && !strings.Contains(msg, "(1 of 3 batches applied and recorded in the journal: run again with the same --journal to finish)") {
				t.Errorf("error %q lacks the journal hint after one applied batch", msg)
			}
			if n := h.count(assign); n != tt.requests {
				t.Errorf("%d assign requests, want %d: a failed batch stops the ones after it", n, tt.requests)
			}
		})
	}
}

// TestForEachConcurrentlyCancelsOnFirstError: the first error cancels the
// calls in flight and starts no more.
func TestForEachConcurrentlyCancelsOnFirstError(t *testing.T) {
	boom := errors.New("boom")
	var cancelled, started atomic.Int32
	called, err := forEachConcurrently(context.Background(), 3, 6, nil, func(c context.Context, i int) error {
		started.Add(1)
		if i == 2 {
			return boom
		}
		// Wait for the cancellation; the timer only keeps a broken
		// implementation from hanging the test.
		select {
		case <-c.Done():
			cancelled.Add(1)
		case <-time.After(10 * time.Second):
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	n := 0
	for _, c := range called {
		if c {
			n++
		}
	}
	if n != int(started.Load()) || n > 3 {
		t.Errorf("%d calls made (%d started), want at most the 3 in flight when the error came", n, started.Load())
	}
	if int(cancelled.Load()) != n-1 {
		t.Errorf("%d of the %d other calls saw the cancellation", cancelled.Load(), n-1)
	}
}
