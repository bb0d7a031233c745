package engine

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clickscript/clickscript/bindings"
	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/emulator"
)

// countingTransport counts the requests the client has in flight.
type countingTransport struct {
	inFlight atomic.Int32
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.inFlight.Add(1)
	defer c.inFlight.Add(-1)
	return http.DefaultTransport.RoundTrip(r)
}

// pagingAgent serves an emulator that counts its requests, with groups
// synthetic groups and faults, and returns an engine of a client with
// concurrency 4, the emulator and the client's transport.
func pagingAgent(t *testing.T, groups int, faults emulator.Faults) (*Engine, *bytes.Buffer, *emulator.Emulator, *clickapi.Client, *countingTransport) {
	t.Helper()
	em, err := emulator.New(emulator.Options{Seed: "none", Groups: groups, Users: 30, Token: "tok-paging", CountRequests: true, Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(em)
	t.Cleanup(func() { srv.Close(); em.Close() })
	tr := &countingTransport{}
	client, err := clickapi.New(clickapi.Options{BaseURL: srv.URL, Token: "tok-paging", Concurrency: 4,
		HTTPClient: &http.Client{Transport: tr},
		Retry:      clickapi.RetryPolicy{MaxAttempts: 20, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	return New(Options{Options: bindings.Options{Client: client}, Stdout: &out}), &out, em, client, tr
}

// TestBreakAfterFirstItemSendsNothingMore: a loop that breaks after the
// first group has sent one request of the listing, and none follows while
// the script goes on (another listing, which queues behind anything the
// first left at the limiter), counted at the emulator (issue 16).
func TestBreakAfterFirstItemSendsNothingMore(t *testing.T) {
	e, out, em, _, _ := pagingAgent(t, 500, emulator.Faults{Latency: 1, LatencyDelay: 5 * time.Millisecond})
	src := `for g in usergroup.list{pagesize = 10} do print(g.name) break end
local n = 0
for u in user.list{pagesize = 10} do n = n + 1 end
print(n)`
	if err := e.Run(context.Background(), Script{Name: "break.lua", Source: src}, nil); err != nil {
		t.Fatal(err)
	}
	if got := strings.Fields(out.String()); len(got) < 2 || got[len(got)-1] != "30" {
		t.Fatalf("output %q", out.String())
	}
	c := em.Requests()
	if n := c.ByRoute["GET /usergroup/get_all"]; n != 1 {
		t.Errorf("the listing left after its first item sent %d requests, want 1 (%v)", n, c.ByRoute)
	}
	if c.InFlight != 0 {
		t.Errorf("%d requests in flight at the emulator after the run", c.InFlight)
	}
}

// TestRunStopsOpenListings: a listing left after its second item has pages
// in flight; the run does not return before they have been stopped.
func TestRunStopsOpenListings(t *testing.T) {
	e, _, em, _, tr := pagingAgent(t, 500, emulator.Faults{Latency: 1, LatencyDelay: 300 * time.Millisecond})
	src := `local it = usergroup.list{pagesize = 10}
it()
it() -- launches pages 2 to 5
local it2 = usergroup.list{pagesize = 10}
it2()
it2()`
	if err := e.Run(context.Background(), Script{Name: "open.lua", Source: src}, nil); err != nil {
		t.Fatal(err)
	}
	if n := tr.inFlight.Load(); n != 0 {
		t.Errorf("%d requests still in flight when the run returned", n)
	}
	if n := em.Requests().ByRoute["GET /usergroup/get_all"]; n > 1+4+1+4 {
		t.Errorf("%d requests of the listings, want at most 10", n)
	}
}

// TestWalkUnder429s: answers 429 halve the requests in flight, and the
// walk still yields every group exactly once; at no time are more than
// --concurrency requests in flight, counted at the emulator (issue 16).
func TestWalkUnder429s(t *testing.T) {
	e, out, em, client, _ := pagingAgent(t, 2000, emulator.Faults{RateLimit: 0.15, Latency: 1, LatencyDelay: 2 * time.Millisecond, Seed: 3})
	src := `local seen, n, twice = {}, 0, 0
for g in usergroup.list{pagesize = 50} do
  if seen[g.id] then twice = twice + 1 end
  seen[g.id] = true
  n = n + 1
end
print(n, twice)`
	if err := e.Run(context.Background(), Script{Name: "walk.lua", Source: src}, nil); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(out.String()); got != "2000\t0" {
		t.Fatalf("walked %q, want 2000 groups, none twice", got)
	}
	c := em.Requests()
	if c.Peak > 4 {
		t.Errorf("%d requests in flight at once at the emulator, over --concurrency 4", c.Peak)
	}
	if em.FaultCounts()[emulator.FaultRateLimit] == 0 {
		t.Fatal("no 429 was injected")
	}
	if s := client.Limiter().Stats(); s.Halvings == 0 || s.Lowest >= 4 {
		t.Errorf("limiter %+v: the 429s did not shrink the concurrency", s)
	}
}

// TestWalkWhileTheListChanges: the script inserts and deletes groups
// before and ahead of the cursor while pages are fetched side by side;
// every group there throughout comes exactly once, one deleted ahead of
// the cursor never, one inserted ahead of it once (issue 16).
func TestWalkWhileTheListChanges(t *testing.T) {
	e, out, _, _, _ := pagingAgent(t, 1000, emulator.Faults{})
	src := `local seen, twice = {}, 0
local byname = {}
for g in usergroup.list{pagesize = 20} do byname[g.name] = g end
local n = 0
for g in usergroup.list{pagesize = 20} do
  n = n + 1
  if seen[g.name] then twice = twice + 1 end
  seen[g.name] = true
  if n == 150 then
    usergroup.insert{name = "Group 0000010a"}            -- before the cursor
    usergroup.delete(byname["Group 0000020"])           -- before, seen already
    usergroup.insert{name = "Group 0000700a"}            -- ahead
    usergroup.delete(byname["Group 0000800"])           -- ahead
  end
end
local missing = 0
for name in pairs(byname) do
  if not seen[name] and name ~= "Group 0000800" then missing = missing + 1 end
end
print(twice, missing, seen["Group 0000800"] and "seen" or "unseen", seen["Group 0000700a"] and "seen" or "unseen")`
	if err := e.Run(context.Background(), Script{Name: "change.lua", Source: src}, nil); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(out.String()); got != "0\t0\tunseen\tseen" {
		t.Fatalf("got %q: want no group twice, none missing, the one deleted ahead unseen, the one inserted ahead seen", got)
	}
}
