package emulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/emulator"
)

func TestParseFaults(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want emulator.Faults
		str  string // String of the result; "" when it is spec
	}{
		{spec: "", want: emulator.Faults{RetryAfter: time.Second}},
		{spec: "503=0.05", want: emulator.Faults{Unavailable: 0.05, RetryAfter: time.Second}},
		{spec: "503=5%", want: emulator.Faults{Unavailable: 0.05, RetryAfter: time.Second}, str: "503=0.05"},
		{spec: "429=1,retry-after=0", want: emulator.Faults{RateLimit: 1}, str: "429=1,retry-after=0s"},
		{spec: " 429 = 0.5 , retry-after = 30s ", want: emulator.Faults{RateLimit: 0.5, RetryAfter: 30 * time.Second}, str: "429=0.5,retry-after=30s"},
		{spec: "latency=20ms", want: emulator.Faults{Latency: 1, LatencyDelay: 20 * time.Millisecond, RetryAfter: time.Second}, str: "latency=20ms@1"},
		{spec: "RESET-AFTER=0,malformed=0.5", want: emulator.Faults{Malformed: 0.5, RetryAfter: time.Second}, str: "malformed=0.5"},
		{
			spec: "429=0.05,503=0.05,500=0.02,reset-before=0.02,reset-after=0.02,latency=20ms@0.1,truncate=0.02,malformed=0.02",
			want: emulator.Faults{RateLimit: 0.05, Unavailable: 0.05, Internal: 0.02, ResetBefore: 0.02, ResetAfter: 0.02,
				Truncate: 0.02, Malformed: 0.02, Latency: 0.1, LatencyDelay: 20 * time.Millisecond, RetryAfter: time.Second},
			str: "429=0.05,503=0.05,500=0.02,reset-before=0.02,reset-after=0.02,truncate=0.02,malformed=0.02,latency=20ms@0.1,retry-after=1s",
		},
		{spec: "reset-after=1,routes=/usergroup/import_users+/usergroup/unassign_user",
			want: emulator.Faults{ResetAfter: 1, RetryAfter: time.Second, Routes: "/usergroup/import_users+/usergroup/unassign_user"}},
		{spec: "429=0.5,503=50%", want: emulator.Faults{RateLimit: 0.5, Unavailable: 0.5, RetryAfter: time.Second}, str: "429=0.5,503=0.5,retry-after=1s"},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			got, err := emulator.ParseFaults(tc.spec)
			if err != nil {
				t.Fatalf("ParseFaults: %v", err)
			}
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			str := tc.str
			if str == "" {
				str = strings.TrimSpace(tc.spec)
			}
			if got.String() != str {
				t.Errorf("String() = %q, want %q", got.String(), str)
			}
			back, err := emulator.ParseFaults(got.String())
			if err != nil || back != got {
				t.Errorf("ParseFaults(String()) = %+v, %v; want %+v", back, err, got)
			}
		})
	}
}

func TestParseFaultsErrors(t *testing.T) {
	for spec, want := range map[string]string{
		"503=2":                   `"503=2": share must be between 0 and 1`,
		"503=-0.1":                `"503=-0.1": share must be between 0 and 1`,
		"503=150%":                `"503=150%": share must be between 0 and 1`,
		"503=NaN":                 `"503=NaN": share must be between 0 and 1`,
		"503=Inf":                 `"503=Inf": share must be between 0 and 1`,
		"503=often":               `"503=often": share "often" is not a number`,
		"503":                     `"503": want KIND=SHARE`,
		"503=":                    `"503=": want KIND=SHARE`,
		"404=0.1":                 `"404=0.1": unknown fault kind "404"`,
		"seed=3":                  `"seed=3": unknown fault kind "seed"`,
		"503=0.1,503=0.2":         `"503=0.2": 503 given twice`,
		"503=0.1,,500=0.1":        `empty item`,
		"latency=fast@0.1":        `"latency=fast@0.1": delay "fast" is not a positive duration`,
		"latency=0s@0.1":          `"latency=0s@0.1": delay "0s" is not a positive duration`,
		"latency=-5ms@0.1":        `delay "-5ms" is not a positive duration`,
		"latency=20ms@2":          `"latency=20ms@2": share must be between 0 and 1`,
		"retry-after=1.5s":        `"retry-after=1.5s": "1.5s" is not a whole number of seconds`,
		"retry-after=-1s":         `"retry-after=-1s"`,
		"retry-after=soon":        `"retry-after=soon"`,
		"429=0.6,reset-after=0.6": `add up to 1.2`,
		"500=1,routes=usergroup":  `routes: "usergroup" is not a path like /usergroup/import_users`,
	} {
		_, err := emulator.ParseFaults(spec)
		if err == nil {
			t.Errorf("ParseFaults(%q): no error, want %q", spec, want)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("ParseFaults(%q) = %q, want it to contain %q", spec, err, want)
		}
	}
}

func TestNewRejectsBadFaults(t *testing.T) {
	for _, f := range []emulator.Faults{
		{Unavailable: 2},
		{Internal: 0.7, Truncate: 0.7},
		{Latency: 0.5},
		{RateLimit: 1, RetryAfter: 1500 * time.Millisecond},
	} {
		if e, err := emulator.New(emulator.Options{Faults: f}); err == nil {
			e.Close()
			t.Errorf("New with faults %+v: no error", f)
		} else if !strings.Contains(err.Error(), "emulator: faults: ") {
			t.Errorf("New with faults %+v: %v, want an error about the faults", f, err)
		}
	}
}

// faultEnv is an emulator with faults served over HTTP and a client of it.
type faultEnv struct {
	e   *emulator.Emulator
	srv *httptest.Server
	c   *clickapi.Client
	ctx context.Context
}

// newFaultEnv serves a deterministic demo emulator injecting spec with seed
// and returns a client of it that tries each call attempts times, with
// millisecond backoffs and no keep-alive (so that the transport never
// resends a request by itself and every attempt is one request).
func newFaultEnv(t *testing.T, spec string, seed uint64, attempts int, timeout time.Duration) *faultEnv {
	t.Helper()
	f, err := emulator.ParseFaults(spec)
	if err != nil {
		t.Fatal(err)
	}
	f.Seed = seed
	e, err := emulator.New(emulator.Options{Token: "fault-token", Seed: "demo", Deterministic: true, Faults: f})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	tr := clickapi.NewTransport()
	tr.DisableKeepAlives = true
	c, err := clickapi.New(clickapi.Options{
		BaseURL:    srv.URL,
		Token:      e.Token(),
		HTTPClient: &http.Client{Transport: tr},
		Retry:      clickapi.RetryPolicy{MaxAttempts: attempts, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond},
		Timeout:    timeout,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &faultEnv{e: e, srv: srv, c: c, ctx: t.Context()}
}

// wantCount fails unless the emulator injected n faults of kind so far.
func (fe *faultEnv) wantCount(t *testing.T, kind string, n int) {
	t.Helper()
	if got := fe.e.FaultCounts()[kind]; got != n {
		t.Errorf("%s faults injected: %d, want %d (all counts %v)", kind, got, n, fe.e.FaultCounts())
	}
}

// wantStats fails unless the emulator's live records are want.
func (fe *faultEnv) wantStats(t *testing.T, want emulator.Stats) {
	t.Helper()
	if got := fe.e.Stats(); got != want {
		t.Errorf("stats %+v, want %+v", got, want)
	}
}

// publicRoutesUnharmed checks that agent_status and login see no fault.
func (fe *faultEnv) publicRoutesUnharmed(t *testing.T) {
	t.Helper()
	before := fe.e.FaultCounts()
	if _, err := fe.c.AgentStatus(fe.ctx); err != nil {
		t.Errorf("agent_status: %v", err)
	}
	if _, err := fe.c.Login(fe.ctx, clickapi.LoginRequest{Username: "admin@example.com", Password: "admin", Type: clickapi.DesktopAdmin}); err != nil {
		t.Errorf("login: %v", err)
	}
	if after := fe.e.FaultCounts(); !reflect.DeepEqual(before, after) {
		t.Errorf("public routes got faults: %v, then %v", before, after)
	}
}

// wantStatus fails unless err is an *APIError with status.
func wantStatus(t *testing.T, err error, status int) *clickapi.APIError {
	t.Helper()
	apiErr, ok := errors.AsType[*clickapi.APIError](err)
	if !ok || apiErr.Status != status {
		t.Fatalf("error %v, want a %d answer", err, status)
	}
	return apiErr
}

// wantConnError fails unless err is a transport error (no answer at all).
func wantConnError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("no error, want a connection error")
	}
	if _, ok := errors.AsType[*clickapi.APIError](err); ok || errors.Is(err, clickapi.ErrBadResponse) {
		t.Fatalf("error %v, want a connection error", err)
	}
}

func TestFaultRateLimit(t *testing.T) {
	fe := newFaultEnv(t, "429=1,retry-after=0", 1, 3, 5*time.Second)
	base := fe.e.Stats()
	_, err := fe.c.ListUserGroups(fe.ctx, clickapi.ListOptions{})
	if apiErr := wantStatus(t, err, http.StatusTooManyRequests); apiErr.RetryAfter != 0 {
		t.Errorf("Retry-After %s, want 0", apiErr.RetryAfter)
	}
	fe.wantCount(t, emulator.FaultRateLimit, 3) // a read is retried
	_, err = fe.c.InsertUserGroup(fe.ctx, clickapi.NewUserGroup{Name: "Rate limited"})
	wantStatus(t, err, http.StatusTooManyRequests)
	fe.wantCount(t, emulator.FaultRateLimit, 4) // an insert is not
	fe.wantStats(t, base)
	fe.publicRoutesUnharmed(t)

	// The default Retry-After is one second.
	f, err := emulator.ParseFaults("429=1")
	if err != nil {
		t.Fatal(err)
	}
	e, err := emulator.New(emulator.Options{Token: "tok", Faults: f})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest("GET", clickapi.RouteGroups+"?token=tok", nil))
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "1" || rec.Body.Len() != 0 {
		t.Errorf("got %d, Retry-After %q, body %q; want 429, Retry-After 1, no body", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
}

func TestFaultUnavailable(t *testing.T) {
	fe := newFaultEnv(t, "503=1", 1, 3, 5*time.Second)
	base := fe.e.Stats()
	_, err := fe.c.ListUsers(fe.ctx, clickapi.ListOptions{})
	wantStatus(t, err, http.StatusServiceUnavailable)
	fe.wantCount(t, emulator.FaultUnavailable, 3)
	_, err = fe.c.InsertUserGroup(fe.ctx, clickapi.NewUserGroup{Name: "Unavailable"})
	wantStatus(t, err, http.StatusServiceUnavailable)
	fe.wantCount(t, emulator.FaultUnavailable, 4)
	err = fe.c.ImportUsers(fe.ctx, []clickapi.UserUserGroupRelation{{User: clickapi.ImportUser{Username: "new@example.com"}, UserGroups: []clickapi.GroupRef{{Name: "Marketing APAC"}}}})
	wantStatus(t, err, http.StatusServiceUnavailable)
	fe.wantCount(t, emulator.FaultUnavailable, 7) // import is idempotent: retried
	fe.wantStats(t, base)
	fe.publicRoutesUnharmed(t)
}

func TestFaultInternal(t *testing.T) {
	fe := newFaultEnv(t, "500=1", 1, 3, 5*time.Second)
	base := fe.e.Stats()
	_, err := fe.c.ListUserGroups(fe.ctx, clickapi.ListOptions{})
	if apiErr := wantStatus(t, err, http.StatusInternalServerError); !strings.Contains(apiErr.Error(), "(no body)") {
		t.Errorf("error %q, want (no body)", apiErr)
	}
	fe.wantCount(t, emulator.FaultInternal, 3) // a read is retried after a 500
	err = fe.c.AssignUsers(fe.ctx, []clickapi.UserUserGroup{{UserID: "00000000-0000-4000-8000-000000000001", UserGroupID: "00000000-0000-4000-8000-000000000002"}})
	wantStatus(t, err, http.StatusInternalServerError)
	fe.wantCount(t, emulator.FaultInternal, 6) // assign_users is additive: retried too (it was not, before issue 13)
	_, err = fe.c.InsertUserGroup(fe.ctx, clickapi.NewUserGroup{Name: "Internal"})
	wantStatus(t, err, http.StatusInternalServerError)
	fe.wantCount(t, emulator.FaultInternal, 7) // insert is not
	fe.wantStats(t, base)
	fe.publicRoutesUnharmed(t)
}

func TestFaultResetBefore(t *testing.T) {
	fe := newFaultEnv(t, "reset-before=1", 1, 3, 5*time.Second)
	base := fe.e.Stats()
	_, err := fe.c.ListUserGroups(fe.ctx, clickapi.ListOptions{})
	wantConnError(t, err)
	fe.wantCount(t, emulator.FaultResetBefore, 3) // a read is retried
	_, err = fe.c.InsertUserGroup(fe.ctx, clickapi.NewUserGroup{Name: "Reset before"})
	wantConnError(t, err)
	fe.wantCount(t, emulator.FaultResetBefore, 4) // an insert that left is not
	err = fe.c.ImportUsers(fe.ctx, []clickapi.UserUserGroupRelation{{User: clickapi.ImportUser{Username: "new@example.com"}, UserGroups: []clickapi.GroupRef{{Name: "Marketing APAC"}}}})
	wantConnError(t, err)
	fe.wantCount(t, emulator.FaultResetBefore, 7)
	fe.wantStats(t, base) // nothing was applied
	fe.publicRoutesUnharmed(t)
}

func TestFaultResetAfter(t *testing.T) {
	fe := newFaultEnv(t, "reset-after=1", 1, 3, 5*time.Second)
	base := fe.e.Stats()
	_, err := fe.c.InsertUserGroup(fe.ctx, clickapi.NewUserGroup{Name: "Reset after"})
	wantConnError(t, err)
	fe.wantCount(t, emulator.FaultResetAfter, 1)
	want := base
	want.Groups++ // the client saw an error, yet the group exists
	fe.wantStats(t, want)

	err = fe.c.ImportUsers(fe.ctx, []clickapi.UserUserGroupRelation{{User: clickapi.ImportUser{Username: "new@example.com"}, UserGroups: []clickapi.GroupRef{{Name: "Reset after"}}}})
	wantConnError(t, err)
	fe.wantCount(t, emulator.FaultResetAfter, 4) // retried; every attempt landed, once
	want.Users++
	want.Memberships++
	fe.wantStats(t, want)
	fe.publicRoutesUnharmed(t)
}

// TestFaultRoutes checks that routes= confines the faults to its paths:
// an import is applied and its answer lost, while reads and other
// writes are served untouched.
func TestFaultRoutes(t *testing.T) {
	fe := newFaultEnv(t, "reset-after=1,routes=/USERGROUP/import_users", 1, 3, 5*time.Second)
	base := fe.e.Stats()
	if _, err := fe.c.ListUserGroups(fe.ctx, clickapi.ListOptions{}); err != nil {
		t.Fatalf("a read outside routes: %v", err)
	}
	if _, err := fe.c.InsertUserGroup(fe.ctx, clickapi.NewUserGroup{Name: "Outside routes"}); err != nil {
		t.Fatalf("a write outside routes: %v", err)
	}
	fe.wantCount(t, emulator.FaultResetAfter, 0)
	err := fe.c.ImportUsers(fe.ctx, []clickapi.UserUserGroupRelation{{User: clickapi.ImportUser{Username: "new@example.com"}, UserGroups: []clickapi.GroupRef{{Name: "Outside routes"}}}})
	wantConnError(t, err)
	fe.wantCount(t, emulator.FaultResetAfter, 3)
	want := base
	want.Groups++
	want.Users++
	want.Memberships++
	fe.wantStats(t, want)
}

func TestFaultLatency(t *testing.T) {
	t.Run("served", func(t *testing.T) {
		fe := newFaultEnv(t, "latency=20ms@1", 1, 1, 5*time.Second)
		if _, err := fe.c.ListUserGroups(fe.ctx, clickapi.ListOptions{}); err != nil {
			t.Fatal(err)
		}
		fe.wantCount(t, emulator.FaultLatency, 1)
		fe.publicRoutesUnharmed(t)
	})
	t.Run("timeout", func(t *testing.T) {
		// The margins are wide so that a loaded machine, slow to connect,
		// still has the request reach the handler well before the client
		// gives up, and the handler still outlasts the client.
		fe := newFaultEnv(t, "latency=3s", 1, 1, 750*time.Millisecond)
		base := fe.e.Stats()
		_, err := fe.c.InsertUserGroup(fe.ctx, clickapi.NewUserGroup{Name: "Too slow"})
		wantConnError(t, err)
		if !strings.Contains(err.Error(), "no answer within 750ms") {
			t.Errorf("error %q, want it to say the answer took too long", err)
		}
		fe.srv.Close() // waits for the handler
		fe.wantCount(t, emulator.FaultLatency, 1)
		want := base
		want.Groups++ // the client gave up, yet the group exists
		fe.wantStats(t, want)
	})
}

func TestFaultTruncate(t *testing.T) {
	fe := newFaultEnv(t, "truncate=1", 1, 3, 5*time.Second)
	base := fe.e.Stats()
	_, err := fe.c.ListUserGroups(fe.ctx, clickapi.ListOptions{})
	if !errors.Is(err, clickapi.ErrBadResponse) {
		t.Fatalf("error %v, want ErrBadResponse", err)
	}
	fe.wantCount(t, emulator.FaultTruncate, 3) // a read is retried
	_, err = fe.c.InsertUserGroup(fe.ctx, clickapi.NewUserGroup{Name: "Truncated"})
	if !errors.Is(err, clickapi.ErrBadResponse) {
		t.Fatalf("error %v, want ErrBadResponse", err)
	}
	fe.wantCount(t, emulator.FaultTruncate, 4) // an insert is not
	// An answer without a body has nothing to cut.
	err = fe.c.ImportUsers(fe.ctx, []clickapi.UserUserGroupRelation{{User: clickapi.ImportUser{Username: "new@example.com"}, UserGroups: []clickapi.GroupRef{{Name: "Truncated"}}}})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	fe.wantCount(t, emulator.FaultTruncate, 4)
	want := base
	want.Groups++
	want.Users++
	want.Memberships++
	fe.wantStats(t, want)

	// On the wire: the full Content-Length, half the body, then EOF.
	resp, err := http.Get(fe.srv.URL + clickapi.RouteGroups + "?token=" + fe.e.Token())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("read body: %v, want unexpected EOF", err)
	}
	if cl, _ := strconv.Atoi(resp.Header.Get("Content-Length")); resp.StatusCode != 200 || cl == 0 || len(body) != cl/2 {
		t.Errorf("status %d, Content-Length %d, got %d bytes; want 200 and half the body", resp.StatusCode, cl, len(body))
	}
	fe.publicRoutesUnharmed(t)
}

func TestFaultMalformed(t *testing.T) {
	fe := newFaultEnv(t, "malformed=1", 1, 3, 5*time.Second)
	base := fe.e.Stats()
	for i := range 4 { // both kinds of bad body
		_, err := fe.c.ListUserGroups(fe.ctx, clickapi.ListOptions{Page: i + 1})
		if !errors.Is(err, clickapi.ErrBadResponse) {
			t.Fatalf("error %v, want ErrBadResponse", err)
		}
	}
	fe.wantCount(t, emulator.FaultMalformed, 12) // each read tried 3 times
	// A 499 and an empty 200 pass untouched.
	_, err := fe.c.InsertUserGroup(fe.ctx, clickapi.NewUserGroup{Name: "Marketing APAC"})
	if !errors.Is(err, clickapi.ErrDuplicate) {
		t.Errorf("insert a taken name: %v, want ErrDuplicate", err)
	}
	err = fe.c.ImportUsers(fe.ctx, []clickapi.UserUserGroupRelation{{User: clickapi.ImportUser{Username: "new@example.com"}, UserGroups: []clickapi.GroupRef{{Name: "Marketing APAC"}}}})
	if err != nil {
		t.Errorf("import: %v", err)
	}
	fe.wantCount(t, emulator.FaultMalformed, 12)
	want := base
	want.Users++
	want.Memberships++
	fe.wantStats(t, want)

	seen := map[string]bool{}
	for range 8 {
		resp, err := http.Get(fe.srv.URL + clickapi.RouteGroups + "?token=" + fe.e.Token())
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || json.Valid(body) {
			t.Fatalf("got %d %q (%v), want a 200 whose body is not JSON", resp.StatusCode, body, err)
		}
		seen[resp.Header.Get("Content-Type")] = true
	}
	if len(seen) != 2 {
		t.Errorf("content types %v, want both a JSON and an HTML one", seen)
	}
	fe.publicRoutesUnharmed(t)
}

// TestFaultWithoutHijacker checks that a reset on a ResponseWriter that
// cannot be hijacked aborts the handler the way net/http expects.
func TestFaultWithoutHijacker(t *testing.T) {
	f, err := emulator.ParseFaults("reset-before=1")
	if err != nil {
		t.Fatal(err)
	}
	e, err := emulator.New(emulator.Options{Token: "tok", Faults: f})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	defer func() {
		if r := recover(); r != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", r)
		}
	}()
	e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", clickapi.RouteGroups+"?token=tok", nil))
}

func TestFaultsAreLogged(t *testing.T) {
	var logs bytes.Buffer
	f, err := emulator.ParseFaults("503=1,latency=1ms")
	if err != nil {
		t.Fatal(err)
	}
	e, err := emulator.New(emulator.Options{Token: "tok", Faults: f, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", clickapi.RouteGroups+"?token=tok", nil))
	if !strings.Contains(logs.String(), "status=503") || !strings.Contains(logs.String(), "fault=latency+503") {
		t.Errorf("log %q, want status=503 and fault=latency+503", logs.String())
	}
}

// outcome classifies the result of one client call.
func outcome(err error) string {
	if err == nil {
		return "ok"
	}
	if apiErr, ok := errors.AsType[*clickapi.APIError](err); ok {
		return strconv.Itoa(apiErr.Status)
	}
	if errors.Is(err, clickapi.ErrBadResponse) {
		return "bad body"
	}
	return "no answer"
}

// faultRun runs a fixed sequence of calls, one request each, against an
// emulator injecting spec with seed, and returns what each call saw, the
// faults injected and the final records.
func faultRun(t *testing.T, spec string, seed uint64) ([]string, map[string]int, emulator.Stats) {
	fe := newFaultEnv(t, spec, seed, 1, 5*time.Second)
	var seen []string
	for i := range 60 {
		_, err := fe.c.InsertUserGroup(fe.ctx, clickapi.NewUserGroup{Name: fmt.Sprintf("Repeat %02d", i)})
		seen = append(seen, "insert "+outcome(err))
		_, err = fe.c.ListUserGroups(fe.ctx, clickapi.ListOptions{Name: "repeat", PageSize: 5})
		seen = append(seen, "list "+outcome(err))
		err = fe.c.ImportUsers(fe.ctx, []clickapi.UserUserGroupRelation{{
			User:       clickapi.ImportUser{Username: fmt.Sprintf("repeat%02d@example.com", i)},
			UserGroups: []clickapi.GroupRef{{Name: "Marketing APAC"}},
		}})
		seen = append(seen, "import "+outcome(err))
	}
	return seen, fe.e.FaultCounts(), fe.e.Stats()
}

func TestFaultsRepeatable(t *testing.T) {
	const spec = "429=0.1,503=0.1,500=0.1,reset-before=0.1,reset-after=0.1,truncate=0.1,malformed=0.1,latency=1ms@0.1,retry-after=0"
	seen1, counts1, stats1 := faultRun(t, spec, 42)
	seen2, counts2, stats2 := faultRun(t, spec, 42)
	if !reflect.DeepEqual(seen1, seen2) {
		t.Errorf("same seed, different outcomes:\n%v\n%v", seen1, seen2)
	}
	if !reflect.DeepEqual(counts1, counts2) || stats1 != stats2 {
		t.Errorf("same seed, different faults or records: %v %+v, then %v %+v", counts1, stats1, counts2, stats2)
	}
	for _, kind := range []string{emulator.FaultRateLimit, emulator.FaultUnavailable, emulator.FaultInternal,
		emulator.FaultResetBefore, emulator.FaultResetAfter, emulator.FaultTruncate, emulator.FaultMalformed, emulator.FaultLatency} {
		if counts1[kind] == 0 {
			t.Errorf("no %s fault in 180 requests: %v", kind, counts1)
		}
	}
	seen3, counts3, _ := faultRun(t, spec, 43)
	if reflect.DeepEqual(seen1, seen3) && reflect.DeepEqual(counts1, counts3) {
		t.Errorf("seeds 42 and 43 injected the same faults")
	}
	t.Logf("seed 42 injected %v", counts1)
}
