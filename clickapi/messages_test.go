package clickapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// hostileText is what a hostile agent puts in what it says: a window
// title, a clear screen, then CR LF and a forged prompt.
const hostileText = "\x1b]0;pwned\x07\x1b[2J\r\nfake prompt"

// hostileEscaped is hostileText as a message shows it.
const hostileEscaped = `\x1b]0;pwned\x07\x1b[2J\x0d\x0afake prompt`

// wantNoControls fails when s holds a control character a terminal acts on.
func wantNoControls(t *testing.T, what, s string) {
	t.Helper()
	if strings.ContainsAny(s, "\x1b\x07\r\n\u009b") {
		t.Errorf("%s holds a raw control character: %q", what, s)
	}
}

// TestErrorMessagesEscapeTheAgent: what the agent says in an error (the
// 499 problem's messages and type, a 402's messages) reaches Error()
// escaped, visibly, while the fields keep it as it was (issue 15 item 5).
func TestErrorMessagesEscapeTheAgent(t *testing.T) {
	problemBody := func(typ string) string {
		b, _ := json.Marshal(map[string]any{"type": typ, "status": 499,
			"errors": map[string][]string{typ: {hostileText}, "name\x1b[31m": {"red"}}})
		return string(b)
	}
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"499", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(StatusValidation)
			w.Write([]byte(problemBody("DEFAULT")))
		}, "GET /usergroup/get_all: 499 DEFAULT: " + hostileEscaped + `; name\x1b[31m: red`},
		{"499 with a hostile type", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(StatusValidation)
			w.Write([]byte(problemBody("X\x1b[2J")))
		}, `499 X\x1b[2J: ` + hostileEscaped},
		{"402", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(StatusPaymentRequired)
			w.Write([]byte(problemBody("SUBSCRIPTION")))
		}, "(SUBSCRIPTION: " + hostileEscaped},
		{"a body that is not a problem", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(hostileText))
		}, `403 Forbidden: unexpected text/plain body: "\x1b]0;pwned\a\x1b[2J fake prompt"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mux := setup(t)
			mux.HandleFunc(RouteGroups, tt.handler)
			_, err := c.ListUserGroups(context.Background(), ListOptions{})
			var e *APIError
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want an *APIError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error\n%s\ndoes not say\n%s", err, tt.want)
			}
			wantNoControls(t, "the error", err.Error())
			if len(e.Messages) > 0 && e.Messages[0] != hostileText {
				t.Errorf("Messages[0] = %q: the field keeps what the agent said", e.Messages[0])
			}
		})
	}
}

// TestNoTokenSaysSo: a 401 to a request sent without a token says that
// no token is configured and how to get one, not that the token expired
// (issue 18 item 9); with a token, the 401 reads as before.
func TestNoTokenSaysSo(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusUnauthorized) }))
	t.Cleanup(srv.Close)
	for _, tt := range []struct {
		token, want string
		noToken     bool
	}{
		{"", "GET /usergroup/get_all: 401 Unauthorized: no token is configured: log in with `clickscript login`, or set CLICK_TOKEN (or --token-file) to an API token", true},
		{testToken, "GET /usergroup/get_all: 401 Unauthorized: token rejected or expired: log in again", false},
	} {
		c, err := New(Options{BaseURL: srv.URL, Token: tt.token})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.ListUserGroups(context.Background(), ListOptions{})
		if err == nil || err.Error() != tt.want {
			t.Errorf("token %q: err = %v\nwant %s", tt.token, err, tt.want)
		}
		if !errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrNoToken) != tt.noToken {
			t.Errorf("token %q: errors.Is ErrUnauthorized %v, ErrNoToken %v", tt.token, errors.Is(err, ErrUnauthorized), errors.Is(err, ErrNoToken))
		}
	}
}

// TestNotFoundNamesTheURL: a 404 with no error code (a server that is not
// the agent) names the base URL, without credentials, and points at --url
// (issue 18 item 9).
func TestNotFoundNamesTheURL(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	base := strings.Replace(srv.URL, "http://", "http://ops:hunter2@", 1)
	c, err := New(Options{BaseURL: base, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListUserGroups(context.Background(), ListOptions{})
	host := strings.TrimPrefix(srv.URL, "http://")
	want := "GET /usergroup/get_all: 404 Not Found: unexpected text/plain body: \"404 page not found\" (http://" + Redacted + "@" + host +
		" does not serve this route: check that --url (or CLICK_URL) is the agent's address; if it is, the agent is older or newer than the contract)"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), testToken) {
		t.Errorf("the error shows a secret: %v", err)
	}
}

// TestRetriesLoggedOnce: a request that needed resends is logged once, at
// info level, when it ends, with its method, path, attempts and the
// reason of each resend; a request that needed none logs nothing at info
// (issue 18 item 9).
func TestRetriesLoggedOnce(t *testing.T) {
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	var logs bytes.Buffer
	c, err := New(Options{BaseURL: srv.URL, Token: testToken,
		Retry:  RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond},
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	if err != nil {
		t.Fatal(err)
	}
	var groups, users atomic.Int32
	mux.HandleFunc(RouteGroups, func(w http.ResponseWriter, r *http.Request) {
		switch groups.Add(1) {
		case 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		case 2:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			w.Write([]byte(`{"data":[],"total":0}`))
		}
	})
	mux.HandleFunc(RouteUsers, func(w http.ResponseWriter, r *http.Request) {
		users.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	})
	mux.HandleFunc(RouteProjects, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"data":[],"total":0}`))
	})
	ctx := context.Background()
	if _, err := c.ListUserGroups(ctx, ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListProjects(ctx, ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListUsers(ctx, ListOptions{}); err == nil {
		t.Fatal("users answered 502 three times, and the call succeeded")
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	want := []string{
		`level=INFO msg="request retried" method=GET path=/usergroup/get_all attempts=3 reasons="503, 429" result=ok`,
		`level=INFO msg="request retried" method=GET path=/user/get_all_users attempts=3 reasons="502, 502" result="GET /user/get_all_users: 502 Bad Gateway (no body)"`,
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines logged, want %d:\n%s", len(lines), len(want), logs.String())
	}
	for i, w := range want {
		if _, rest, _ := strings.Cut(lines[i], " "); rest != w {
			t.Errorf("line %d:\n%s\nwant\n%s", i+1, rest, w)
		}
	}
}

// A caller that gives up while an answer's body is on its way (a listing
// closed, Ctrl-C) ends the request: no resend, and no "request retried"
// line blaming an unreadable answer (the REPL showed one under its table).
func TestCancelWhileReadingBodyIsNoRetry(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Write([]byte(`{"data":[],"total":0}`))
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The caller gives up exactly when the body starts to be read.
	hc := &http.Client{Transport: cancelOnBody{NewTransport(), cancel}}
	var logs bytes.Buffer
	c, err := New(Options{BaseURL: srv.URL, Token: testToken, HTTPClient: hc,
		Retry:  RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond},
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListUserGroups(ctx, ListOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n := requests.Load(); n != 1 {
		t.Errorf("%d requests, want 1 (no resend after the caller gave up)", n)
	}
	if strings.Contains(logs.String(), "retried") || strings.Contains(logs.String(), "bad response body") {
		t.Errorf("a cancelled read was logged as a failed answer:\n%s", logs.String())
	}
}

// cancelOnBody is a transport whose answers' bodies call cancel on their
// first Read and then fail as a cancelled read does.
type cancelOnBody struct {
	rt     http.RoundTripper
	cancel func()
}

func (c cancelOnBody) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.rt.RoundTrip(r)
	if err == nil {
		resp.Body = cancelledBody{resp.Body, c.cancel}
	}
	return resp, err
}

type cancelledBody struct {
	io.ReadCloser
	cancel func()
}

func (b cancelledBody) Read([]byte) (int, error) {
	b.cancel()
	return 0, context.Canceled
}
