package clickapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// setupRelogin starts a server that accepts only the token *valid and a
// client that starts with testToken and logs in again with login.
func setupRelogin(t *testing.T, valid *atomic.Value, login func(context.Context) (string, error)) (*Client, *http.ServeMux) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+RouteGroups, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get(TokenParam) != valid.Load().(string) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, `{"data":[{"id":"g1","name":"Design"}],"total":1,"options":{"page":1,"pageSize":50}}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, err := New(Options{
		BaseURL: srv.URL, Token: testToken, Relogin: login,
		Retry:   RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond},
		Timeout: 2 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, mux
}

func TestReloginResendsWithNewToken(t *testing.T) {
	var valid atomic.Value
	valid.Store("new-token-1")
	var logins atomic.Int32
	c, _ := setupRelogin(t, &valid, func(context.Context) (string, error) {
		logins.Add(1)
		return "new-token-1", nil
	})
	col, err := c.ListUserGroups(t.Context(), ListOptions{})
	if err != nil {
		t.Fatalf("after an expired token: %v", err)
	}
	if len(col.Data) != 1 || logins.Load() != 1 || c.Token() != "new-token-1" {
		t.Fatalf("data %v, logins %d, token %q; want 1 row, 1 login, the new token", col.Data, logins.Load(), c.Token())
	}
	// The new token stays in use: no more logins.
	if _, err := c.ListUserGroups(t.Context(), ListOptions{}); err != nil || logins.Load() != 1 {
		t.Fatalf("second request: %v, logins %d", err, logins.Load())
	}
	// It expires in its turn: one more login.
	valid.Store("new-token-2")
	c.relogin.login = func(context.Context) (string, error) { logins.Add(1); return "new-token-2", nil }
	if _, err := c.ListUserGroups(t.Context(), ListOptions{}); err != nil || logins.Load() != 2 {
		t.Fatalf("after the second expiry: %v, logins %d", err, logins.Load())
	}
}

func TestReloginOnceForConcurrentRequests(t *testing.T) {
	var valid atomic.Value
	valid.Store("fresh")
	var logins atomic.Int32
	c, _ := setupRelogin(t, &valid, func(context.Context) (string, error) {
		logins.Add(1)
		time.Sleep(20 * time.Millisecond) // let the other requests meet the 401 meanwhile
		return "fresh", nil
	})
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			_, err := c.ListUserGroups(t.Context(), ListOptions{})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := logins.Load(); n != 1 {
		t.Errorf("%d logins for 16 concurrent requests with one expired token, want 1", n)
	}
}

func TestReloginFailureIsFinal(t *testing.T) {
	var valid atomic.Value
	valid.Store("unreachable")
	var logins atomic.Int32
	c, _ := setupRelogin(t, &valid, func(context.Context) (string, error) {
		logins.Add(1)
		return "", errors.New("POST /authentication/login: 499 AUTH: wrong password")
	})
	for i := range 3 {
		_, err := c.ListUserGroups(t.Context(), ListOptions{})
		if !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("request %d: %v, want ErrUnauthorized", i, err)
		}
		if !strings.Contains(err.Error(), "token rejected or expired: log in again") ||
			!strings.Contains(err.Error(), "logging in again failed") {
			t.Errorf("request %d: %q does not say what happened", i, err)
		}
		if strings.Contains(err.Error(), testToken) {
			t.Errorf("token in error: %q", err)
		}
	}
	if n := logins.Load(); n != 1 {
		t.Errorf("%d logins after a failed one, want 1: wrong credentials must not be tried again", n)
	}
}

func TestReloginSecond401IsAnError(t *testing.T) {
	var valid atomic.Value
	valid.Store("nothing-is-accepted")
	var logins atomic.Int32
	c, _ := setupRelogin(t, &valid, func(context.Context) (string, error) {
		logins.Add(1)
		return "refused-too", nil
	})
	for i := range 2 {
		_, err := c.ListUserGroups(t.Context(), ListOptions{})
		if !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("request %d: %v, want ErrUnauthorized", i, err)
		}
		if strings.Contains(err.Error(), "refused-too") {
			t.Errorf("new token in error: %q", err)
		}
	}
	if n := logins.Load(); n != 1 {
		t.Errorf("%d logins, want 1", n)
	}
}

func TestReloginResendsInsert(t *testing.T) {
	// A 401 means the agent did nothing: even an insert is resent.
	mux := http.NewServeMux()
	var posts atomic.Int32
	mux.HandleFunc("POST "+RouteInsertGroup, func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		if r.URL.Query().Get(TokenParam) != "fresh" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, `{"id":"g9","name":"Night Shift","active":true}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, err := New(Options{BaseURL: srv.URL, Token: "stale", Relogin: func(context.Context) (string, error) { return "fresh", nil }})
	if err != nil {
		t.Fatal(err)
	}
	g, err := c.InsertUserGroup(t.Context(), NewUserGroup{Name: "Night Shift", Active: true})
	if err != nil || g.ID != "g9" || posts.Load() != 2 {
		t.Fatalf("insert: %+v, %v, %d posts; want g9 after 2 posts", g, err, posts.Load())
	}
}

func TestReloginNotForPublicCalls(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+RouteLogin, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusUnauthorized) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	var logins atomic.Int32
	c, err := New(Options{BaseURL: srv.URL, Relogin: func(context.Context) (string, error) { logins.Add(1); return "x", nil }})
	if err != nil {
		t.Fatal(err)
	}
	// A 401 to login is refused credentials, not an expired token
	// [click:errors.md] (this test expected ErrUnauthorized before).
	if _, err := c.Login(t.Context(), LoginRequest{Username: "u", Password: "p"}); !errors.Is(err, ErrLoginRefused) || errors.Is(err, ErrUnauthorized) {
		t.Fatalf("login: %v", err)
	}
	if logins.Load() != 0 {
		t.Error("a 401 to a call without a token triggered a login")
	}
}

func TestLoginToken(t *testing.T) {
	c, mux := setup(t)
	var challenge atomic.Int32
	mux.HandleFunc("POST "+RouteLogin, func(w http.ResponseWriter, r *http.Request) {
		if ch := challenge.Load(); ch != 0 {
			fmt.Fprintf(w, `{"jwtToken":"","challenge":%d,"session":"s1"}`, ch)
			return
		}
		fmt.Fprint(w, `{"jwtToken":"jwt-1","challenge":0,"session":""}`)
	})
	tok, err := c.LoginToken(t.Context(), LoginRequest{Username: "ada", Password: "pw", Type: DesktopAdmin})
	if err != nil || tok != "jwt-1" {
		t.Fatalf("LoginToken: %q, %v", tok, err)
	}
	challenge.Store(2)
	if _, err := c.LoginToken(t.Context(), LoginRequest{Username: "ada", Password: "pw"}); err == nil ||
		!strings.Contains(err.Error(), "SMS code") || !strings.Contains(err.Error(), "API token") {
		t.Errorf("challenged login: %v", err)
	}
}
