package bindings

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/emulator"
)

// TestInsertAfterAnUnknownOutcome: an insert answered with a 5xx may have
// landed, so the binding looks the group up by name before sending it
// again: it never creates the group twice, and never gives up on a group
// that is there. A 4xx is an answer: no look-up.
func TestInsertAfterAnUnknownOutcome(t *testing.T) {
	const insert = "POST " + clickapi.RouteInsertGroup
	tests := []struct {
		name    string
		status  int
		landed  bool // the first insert is applied before the error answer
		inserts int  // inserts sent
		want    string
	}{
		{"500 after landing", 500, true, 1, "Ops 500\t1\n"},
		{"500 before landing", 500, false, 2, "Ops 500\t1\n"},
		{"502 after landing", 502, true, 1, "Ops 502\t1\n"},
		{"503 before landing", 503, false, 2, "Ops 503\t1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, emulator.Options{Seed: "demo"}, false)
			h.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
				if r.Method+" "+r.URL.Path != insert || n != 1 {
					return false
				}
				if tt.landed {
					h.serveAside(r)
				}
				w.WriteHeader(tt.status)
				return true
			}
			name := strings.Fields(tt.want)[0] + " " + strings.Fields(tt.want)[1]
			got := h.run(t, `local g = usergroup.insert{name = "`+name+`"}
local n = 0
for x in usergroup.list{name = "`+name+`"} do if x.name == g.name then n = n + 1 end end
print(g.name, n)`)
			if got != tt.want {
				t.Errorf("output %q, want %q (the group once)", got, tt.want)
			}
			if n := h.count(insert); n != tt.inserts {
				t.Errorf("%d inserts sent, want %d", n, tt.inserts)
			}
		})
	}
	t.Run("499 is an answer", func(t *testing.T) {
		h := newHarness(t, emulator.Options{Seed: "demo"}, false)
		msg := h.fail(t, `usergroup.insert{name = "Design Team"}`)
		if !strings.Contains(msg, "499 DUPLICATE") {
			t.Errorf("error %q", msg)
		}
		if n := h.count("GET " + clickapi.RouteGroups); n != 0 {
			t.Errorf("%d look-ups after a 499, want none", n)
		}
	})
}

// serveAside lets the emulator apply r, discarding its answer.
func (h *harness) serveAside(r *http.Request) {
	h.em.ServeHTTP(httptest.NewRecorder(), r)
}
