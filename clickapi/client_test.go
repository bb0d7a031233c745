package clickapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const testToken = "tok-SECRET-5f2c9a"

// setup starts a loopback test server and returns a client pointed at it
// with fast retries, and the mux to register handlers on (go-github style).
func setup(t *testing.T) (*Client, *http.ServeMux) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, err := New(Options{
		BaseURL: srv.URL,
		Token:   testToken,
		Retry:   RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond},
		Timeout: 2 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, mux
}

func problem(w http.ResponseWriter, typ string, msgs ...string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set(ErrorCodeHeader, typ)
	w.WriteHeader(StatusValidation)
	quoted := make([]string, len(msgs))
	for i, m := range msgs {
		quoted[i] = fmt.Sprintf("%q", m)
	}
	fmt.Fprintf(w, `{"type":%q,"status":499,"errors":{%q:[%s]}}`, typ, typ, strings.Join(quoted, ","))
}

func TestErrorPaths(t *testing.T) {
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		is       error
		status   int
		typ      string
		contains []string
	}{
		{
			name:     "401",
			handler:  func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(401) },
			is:       ErrUnauthorized,
			status:   401,
			contains: []string{"GET /usergroup/get_all: 401 Unauthorized: token rejected or expired: log in again"},
		},
		{
			name: "499 duplicate",
			handler: func(w http.ResponseWriter, r *http.Request) {
				problem(w, "DUPLICATE", "A resource with the same name already exists.")
			},
			is:       ErrDuplicate,
			status:   499,
			typ:      "DUPLICATE",
			contains: []string{"499 DUPLICATE: A resource with the same name already exists."},
		},
		{
			name:     "499 not found",
			handler:  func(w http.ResponseWriter, r *http.Request) { problem(w, "NOT_FOUND", "id: no user group 0000") },
			is:       ErrNotFound,
			status:   499,
			typ:      "NOT_FOUND",
			contains: []string{"499 NOT_FOUND: id: no user group 0000"},
		},
		{
			name: "499 validation",
			handler: func(w http.ResponseWriter, r *http.Request) {
				problem(w, "VALIDATION", "name: at most 100 characters (got 130)")
			},
			status:   499,
			typ:      "VALIDATION",
			contains: []string{"499 VALIDATION: name: at most 100 characters (got 130)"},
		},
		{
			name: "499 header only",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set(ErrorCodeHeader, "ACCESS")
				w.WriteHeader(499)
			},
			status:   499,
			typ:      "ACCESS",
			contains: []string{"499 ACCESS (no body)"},
		},
		{
			name: "499 other keys",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(499)
				io.WriteString(w, `{"type":"VALIDATION","status":499,"errors":{"Name":["too long"],"Active":["bad"]}}`)
			},
			status:   499,
			typ:      "VALIDATION",
			contains: []string{"499 VALIDATION: Active: bad; Name: too long"},
		},
		{
			name:     "500 no body",
			handler:  func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) },
			status:   500,
			contains: []string{"GET /usergroup/get_all: 500 Internal Server Error (no body)"},
		},
		{
			name: "html from a proxy",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(403)
				io.WriteString(w, "<html><head><title>Access denied</title></head><body><h1>Blocked by proxy</h1><a href=\"/x?token="+testToken+"\">retry</a></body></html>")
			},
			status:   403,
			contains: []string{"403 Forbidden: unexpected text/html body:", "Access denied", "Blocked by proxy"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mux := setup(t)
			mux.HandleFunc("/usergroup/get_all", tt.handler)
			_, err := c.ListUserGroups(context.Background(), ListOptions{})
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v, want *APIError", err)
			}
			if apiErr.Status != tt.status || apiErr.Type != tt.typ {
				t.Errorf("status, type = %d, %q; want %d, %q", apiErr.Status, apiErr.Type, tt.status, tt.typ)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(err, %v) = false", tt.is)
			}
			for _, sentinel := range []error{ErrUnauthorized, ErrNotFound, ErrDuplicate} {
				if sentinel != tt.is && errors.Is(err, sentinel) {
					t.Errorf("errors.Is(err, %v) = true, want false", sentinel)
				}
			}
			for _, want := range tt.contains {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("error shows the token: %q", err)
			}
		})
	}
}

func TestBadSuccessBody(t *testing.T) {
	c, mux := setup(t)
	mux.HandleFunc("/usergroup/get_all", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"data": [{"id": "a", "name": `)
	})
	_, err := c.ListUserGroups(context.Background(), ListOptions{})
	if !errors.Is(err, ErrBadResponse) {
		t.Fatalf("err = %v, want ErrBadResponse", err)
	}
	if !strings.HasPrefix(err.Error(), "GET /usergroup/get_all: ") {
		t.Errorf("error %q does not name the endpoint", err)
	}
}

func TestTimeout(t *testing.T) {
	c, mux := setup(t)
	c.timeout = 50 * time.Millisecond
	c.retry.MaxAttempts = 1
	release := make(chan struct{})
	defer close(release)
	mux.HandleFunc("/usergroup/get_all", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	_, err := c.ListUserGroups(context.Background(), ListOptions{})
	if err == nil || !strings.Contains(err.Error(), "no answer within 50ms") {
		t.Fatalf("err = %v, want a timeout naming the limit", err)
	}
	if !strings.HasPrefix(err.Error(), "GET /usergroup/get_all: ") || strings.Contains(err.Error(), testToken) {
		t.Errorf("error %q: want the endpoint and no token", err)
	}
}

func TestCancelledContext(t *testing.T) {
	c, mux := setup(t)
	started := make(chan struct{})
	mux.HandleFunc("/usergroup/get_all", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	_, err := c.ListUserGroups(ctx, ListOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	// A cancelled context also stops retries waiting for their backoff.
	c2, mux2 := setup(t)
	c2.retry = RetryPolicy{MaxAttempts: 5, BaseDelay: time.Hour, MaxDelay: time.Hour}.withDefaults()
	var calls atomic.Int32
	mux2.HandleFunc("/usergroup/get_all", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(503)
	})
	ctx2, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	_, err = c2.ListUserGroups(ctx2, ListOptions{})
	if !errors.Is(err, context.DeadlineExceeded) || calls.Load() != 1 {
		t.Fatalf("err = %v after %d calls, want DeadlineExceeded after 1", err, calls.Load())
	}
}

func TestRetriesReadsAndIdempotentWrites(t *testing.T) {
	for _, status := range []int{429, 502, 503, 504} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			c, mux := setup(t)
			var calls atomic.Int32
			mux.HandleFunc("/usergroup/assign_users", func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				if string(body) != `[{"userId":"u","userGroupId":"g"}]` {
					t.Errorf("attempt %d body = %s", calls.Load()+1, body)
				}
				if calls.Add(1) < 3 {
					w.WriteHeader(status)
					return
				}
			})
			if err := c.AssignUsers(context.Background(), []UserUserGroup{{UserID: "u", UserGroupID: "g"}}); err != nil {
				t.Fatal(err)
			}
			if calls.Load() != 3 {
				t.Errorf("calls = %d, want 3", calls.Load())
			}
		})
	}
	t.Run("gives up after MaxAttempts", func(t *testing.T) {
		c, mux := setup(t)
		var calls atomic.Int32
		mux.HandleFunc("/usergroup/get_all", func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			w.WriteHeader(503)
		})
		_, err := c.ListUserGroups(context.Background(), ListOptions{})
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Status != 503 || calls.Load() != 3 {
			t.Fatalf("err = %v after %d calls; want 503 after 3", err, calls.Load())
		}
	})
	// The vendor's semantics make reads, update (the whole object),
	// assign_users and import_users (additive) and delete/unassign safe to
	// resend after a 500 ("unexpected server error", no body
	// [click:errors.md]); insert is not (it would duplicate). This test
	// encoded the earlier rule (writes never retried after a 500) and now
	// checks the new one.
	t.Run("a 500 is retried for reads and idempotent writes, not insert", func(t *testing.T) {
		c, mux := setup(t)
		counts := map[string]*atomic.Int32{}
		for _, route := range []string{RouteGroups, RouteUpdateGroup, RouteAssignUsers, RouteImportUsers, RouteDeleteGroup, RouteUnassignUser, RouteInsertGroup} {
			n := &atomic.Int32{}
			counts[route] = n
			mux.HandleFunc(route, func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				w.WriteHeader(500)
			})
		}
		ctx := context.Background()
		c.ListUserGroups(ctx, ListOptions{})
		c.UpdateUserGroup(ctx, UserGroupUpdate{ID: "x", Name: "n"})
		c.AssignUsers(ctx, []UserUserGroup{{UserID: "u", UserGroupID: "g"}})
		c.ImportUsers(ctx, []UserUserGroupRelation{{User: ImportUser{Username: "a@x"}, UserGroups: []GroupRef{{Name: "G"}}}})
		c.DeleteUserGroup(ctx, "x")
		c.UnassignUser(ctx, "x")
		c.InsertUserGroup(ctx, NewUserGroup{Name: "n"})
		for route, n := range counts {
			want := int32(3)
			if route == RouteInsertGroup {
				want = 1
			}
			if n.Load() != want {
				t.Errorf("%s answered 500: %d attempts, want %d", route, n.Load(), want)
			}
		}
	})
	t.Run("no retry of 499 or 401", func(t *testing.T) {
		for _, status := range []int{499, 401} {
			c, mux := setup(t)
			var calls atomic.Int32
			mux.HandleFunc("/usergroup/get_all", func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				w.WriteHeader(status)
			})
			c.ListUserGroups(context.Background(), ListOptions{})
			if calls.Load() != 1 {
				t.Errorf("status %d: calls = %d, want 1", status, calls.Load())
			}
		}
	})
}

func TestRetryAfterHonoured(t *testing.T) {
	c, mux := setup(t)
	var first time.Time
	var gap time.Duration
	var calls atomic.Int32
	mux.HandleFunc("/usergroup/get_all", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			first = time.Now()
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(429)
			return
		}
		gap = time.Since(first)
		io.WriteString(w, `{"data":[],"total":0,"options":{"page":1,"pageSize":50}}`)
	})
	if _, err := c.ListUserGroups(context.Background(), ListOptions{}); err != nil {
		t.Fatal(err)
	}
	// A lower bound only: the client must not come back before the server said.
	if gap < 900*time.Millisecond {
		t.Errorf("retried after %v, want >= 1s (Retry-After: 1)", gap)
	}
}

func TestBackoff(t *testing.T) {
	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second, MaxRetryAfter: 3 * time.Second}.withDefaults()
	for attempt := 1; attempt <= 30; attempt++ {
		want := min(100*time.Millisecond<<min(attempt-1, 20), time.Second)
		for range 20 {
			d := p.backoff(attempt, 0)
			if d < want/2 || d > want {
				t.Fatalf("attempt %d: backoff %v outside [%v, %v]", attempt, d, want/2, want)
			}
		}
	}
	if d := p.backoff(1, 2*time.Second); d != 2*time.Second {
		t.Errorf("Retry-After 2s: backoff %v", d)
	}
	if d := p.backoff(1, time.Hour); d != 3*time.Second {
		t.Errorf("Retry-After 1h: backoff %v, want the 3s cap", d)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if d := parseRetryAfter(now.Add(5*time.Second).Format(http.TimeFormat), now); d != 5*time.Second {
		t.Errorf("HTTP-date Retry-After: %v", d)
	}
	if d := parseRetryAfter("soon", now); d != 0 {
		t.Errorf("bad Retry-After: %v", d)
	}
}

// flakyDialer refuses the first n connections, as a stopped agent would.
type flakyDialer struct {
	refuse atomic.Int32
	dials  atomic.Int32
}

func (d *flakyDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d.dials.Add(1)
	if d.refuse.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, addr)
}

func TestInsertRetry(t *testing.T) {
	t.Run("retried when it never left", func(t *testing.T) {
		c, mux := setup(t)
		d := &flakyDialer{}
		d.refuse.Store(2)
		tr := NewTransport()
		tr.DialContext = d.DialContext
		c.http = &http.Client{Transport: tr}
		var calls atomic.Int32
		mux.HandleFunc("/usergroup/insert", func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			io.WriteString(w, `{"id":"g1","name":"Design Team","active":true}`)
		})
		g, err := c.InsertUserGroup(context.Background(), NewUserGroup{Name: "Design Team", Active: true})
		if err != nil {
			t.Fatal(err)
		}
		if g.ID != "g1" || calls.Load() != 1 || d.dials.Load() != 3 {
			t.Errorf("group %+v after %d calls and %d dials; want g1, 1 call, 3 dials", g, calls.Load(), d.dials.Load())
		}
	})
	t.Run("not retried once sent", func(t *testing.T) {
		for _, fail := range []string{"503", "reset"} {
			c, mux := setup(t)
			var calls atomic.Int32
			mux.HandleFunc("/usergroup/insert", func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				if fail == "503" {
					w.WriteHeader(503)
					return
				}
				conn, _, _ := w.(http.Hijacker).Hijack()
				conn.Close()
			})
			_, err := c.InsertUserGroup(context.Background(), NewUserGroup{Name: "X"})
			if err == nil || calls.Load() != 1 {
				t.Errorf("%s: err = %v after %d calls; want an error after exactly 1", fail, err, calls.Load())
			}
		}
	})
	t.Run("reads are retried after a reset", func(t *testing.T) {
		c, mux := setup(t)
		var calls atomic.Int32
		mux.HandleFunc("/usergroup/get_all", func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 1 {
				conn, _, _ := w.(http.Hijacker).Hijack()
				conn.Close()
				return
			}
			io.WriteString(w, `{"data":[],"total":0}`)
		})
		if _, err := c.ListUserGroups(context.Background(), ListOptions{}); err != nil {
			t.Fatal(err)
		}
		if calls.Load() < 2 {
			t.Errorf("calls = %d, want a retry", calls.Load())
		}
	})
}

func TestTokenNeverShown(t *testing.T) {
	var logs bytes.Buffer
	// Nothing listens on this loopback port: every attempt fails to connect,
	// and net/http's *url.Error carries the full URL with the token.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, err := New(Options{
		BaseURL: "http://" + addr, Token: testToken,
		Retry:  RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond},
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListUserGroups(context.Background(), ListOptions{Name: "x"})
	if err == nil {
		t.Fatal("want a connection error")
	}
	var ue interface{ Unwrap() error }
	if !errors.As(err, &ue) {
		t.Fatal("error does not unwrap")
	}
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err.Error()), logs.String()} {
		if strings.Contains(s, testToken) {
			t.Errorf("token shown in %q", s)
		}
	}
	if !strings.Contains(logs.String(), "request failed") || !strings.Contains(err.Error(), "token="+Redacted) {
		t.Errorf("want a scrubbed URL in the error and a debug log line; err=%q logs=%q", err, logs.String())
	}
}

func TestRedact(t *testing.T) {
	tests := map[string]string{
		"http://h/x?token=abc":                 "http://h/x?token=REDACTED",
		"http://h/x?page=1&token=abc&name=d":   "http://h/x?page=1&token=REDACTED&name=d",
		`Get "http://h/x?TOKEN=abc": refused`:  `Get "http://h/x?TOKEN=REDACTED": refused`,
		"token=a%20b c":                        "token=REDACTED c",
		"no secret here; tokens=1 is a word":   "no secret here; tokens=1 is a word",
		"jwtToken=abc (not a query parameter)": "jwtToken=abc (not a query parameter)",
	}
	for in, want := range tests {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
	if got := RedactToken("echo "+testToken+" and token=zz", testToken); got != "echo REDACTED and token=REDACTED" {
		t.Errorf("RedactToken: %q", got)
	}
}

func TestNewRejectsBadBaseURL(t *testing.T) {
	for _, u := range []string{"localhost:29123", "ftp://h", "http://", "http://h/?token=abc"} {
		_, err := New(Options{BaseURL: u})
		if err == nil {
			t.Errorf("New(%q): want an error", u)
		} else if strings.Contains(err.Error(), "token=abc") {
			t.Errorf("error shows the token: %v", err)
		}
	}
}
