package emulator

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

func TestRequestCounts(t *testing.T) {
	e := newEmu(t, Options{Seed: "demo", CountRequests: true})
	call(t, e, "GET", "/usergroup/get_all?pagesize=2", "")
	call(t, e, "GET", "/UserGroup/Get_All?page=2", "") // paths match ignoring case
	call(t, e, "GET", "/user/get_all_users", "")
	call(t, e, "GET", "/no/such/route", "")
	got := e.Requests()
	want := map[string]int{"GET /usergroup/get_all": 2, "GET /user/get_all_users": 1, "GET other": 1}
	if got.Total != 4 || got.InFlight != 0 || got.Peak != 1 || len(got.ByRoute) != len(want) {
		t.Fatalf("counts %+v, want total 4, none in flight, peak 1, %v", got, want)
	}
	for k, n := range want {
		if got.ByRoute[k] != n {
			t.Errorf("%s: %d, want %d", k, got.ByRoute[k], n)
		}
	}
	if d := e.Requests().Sub(RequestCounts{Total: 1, ByRoute: map[string]int{"GET /usergroup/get_all": 1}}); d.Total != 3 || d.ByRoute["GET /usergroup/get_all"] != 1 {
		t.Errorf("Sub: %+v", d)
	}

	// Served to loopback clients only, and not counted.
	if a := raw(t, e, "GET", RequestsPath, ""); a.status != http.StatusNotFound {
		t.Errorf("%s from a remote address: status %d, want 404", RequestsPath, a.status)
	}
	req, _ := http.NewRequest("GET", RequestsPath, nil)
	req.RemoteAddr = "127.0.0.1:5000"
	rec := &bufferedResponse{header: http.Header{}}
	e.ServeHTTP(rec, req)
	var served RequestCounts
	if err := json.Unmarshal(rec.body.Bytes(), &served); err != nil || served.Total != 4 {
		t.Errorf("%s from loopback: %v, %+v (body %s)", RequestsPath, err, served, rec.body.Bytes())
	}
	if n := e.Requests().Total; n != 4 {
		t.Errorf("total %d after reading the counts, want 4", n)
	}
}

func TestRequestCountsInFlight(t *testing.T) {
	e := newEmu(t, Options{Seed: "demo", CountRequests: true, Faults: Faults{Latency: 1, LatencyDelay: 50 * time.Millisecond}})
	done := make(chan struct{})
	go func() {
		defer close(done)
		call(t, e, "GET", "/usergroup/get_all", "")
	}()
	waitUntil(t, func() bool { return e.Requests().InFlight == 1 })
	<-done
	if c := e.Requests(); c.InFlight != 0 || c.Peak != 1 || c.Total != 1 {
		t.Errorf("counts %+v after the request, want none in flight, peak 1, total 1", c)
	}
}

func TestRequestCountsOffByDefault(t *testing.T) {
	e := demoEmu(t)
	call(t, e, "GET", "/usergroup/get_all", "")
	if c := e.Requests(); c.Total != 0 {
		t.Errorf("counted %+v without CountRequests", c)
	}
	req, _ := http.NewRequest("GET", RequestsPath, nil)
	req.RemoteAddr = "127.0.0.1:5000"
	rec := &bufferedResponse{header: http.Header{}}
	e.ServeHTTP(rec, req)
	if rec.status != http.StatusNotFound {
		t.Errorf("%s without CountRequests: status %d, want 404", RequestsPath, rec.status)
	}
}

// waitUntil polls cond, a state the emulator reaches by itself, for up to
// ten seconds.
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}
