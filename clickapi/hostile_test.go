package clickapi

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// hostile is the hostile agent of testdata/hostile/server.py, run in a
// mode of its own on a free loopback port.
type hostile struct {
	url string
}

// startHostile starts the hostile server and waits for its readiness line.
func startHostile(t *testing.T, mode string, args ...string) *hostile {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Fatalf("the hostile server needs python3 (.ci/run installs it): %v", err)
	}
	cmd := exec.Command("python3", append([]string{"../testdata/hostile/server.py", "--mode", mode, "--port", "0"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "READY "); ok {
				ready <- u
				_, _ = io.Copy(io.Discard, out)
				return
			}
		}
		close(ready)
	}()
	select {
	case u, ok := <-ready:
		if !ok || !strings.HasPrefix(u, "http://127.0.0.1:") {
			t.Fatalf("hostile server (%s) did not start: %q\n%s", mode, u, stderr.String())
		}
		return &hostile{url: u}
	case <-time.After(2 * time.Minute): // a loaded machine starts Python slowly
		t.Fatalf("hostile server (%s) printed no readiness line\n%s", mode, stderr.String())
	}
	return nil
}

// stats reads the server's counters.
func (h *hostile) stats(t *testing.T) (s struct {
	Requests    int `json:"requests"`
	SinkHits    int `json:"sink_hits"`
	MaxInFlight int `json:"max_in_flight"`
}) {
	t.Helper()
	resp, err := http.Get(h.url + "/__stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func (h *hostile) client(t *testing.T, opts Options) *Client {
	t.Helper()
	opts.BaseURL, opts.Token = h.url, testToken
	opts.Retry = RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestHostileServer runs the client against each way the hostile server
// misbehaves (issue 15 items 2, 5, 10, 11 and 16).
func TestHostileServer(t *testing.T) {
	ctx := context.Background()
	t.Run("redirect", func(t *testing.T) {
		t.Parallel()
		h := startHostile(t, "redirect")
		c := h.client(t, Options{})
		_, err := c.ListUserGroups(ctx, ListOptions{})
		if !errors.Is(err, ErrRedirect) || !strings.Contains(err.Error(), "307") || !strings.Contains(err.Error(), "token="+Redacted) ||
			strings.Contains(err.Error(), testToken) {
			t.Fatalf("read: err = %v", err)
		}
		_, err = c.Login(ctx, LoginRequest{Username: "admin@example.com", Password: "pw-SECRET"})
		if !errors.Is(err, ErrRedirect) || strings.Contains(err.Error(), "pw-SECRET") {
			t.Fatalf("login: err = %v", err)
		}
		if s := h.stats(t); s.SinkHits != 0 || s.Requests != 2 {
			t.Fatalf("%+v: the redirect target was reached, or requests were resent", s)
		}
	})
	t.Run("the same page forever", func(t *testing.T) {
		t.Parallel()
		h := startHostile(t, "repeat")
		got, err := h.client(t, Options{}).UserGroups(ctx, ListOptions{}).All()
		if !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), "GET "+RouteGroups) || !strings.Contains(err.Error(), "nothing new") {
			t.Fatalf("err = %v", err)
		}
		if s := h.stats(t); len(got) != 50 || s.Requests > 1+DefaultConcurrency {
			t.Fatalf("%d items in %d requests", len(got), s.Requests)
		}
	})
	t.Run("an echo larger than the page", func(t *testing.T) {
		t.Parallel()
		h := startHostile(t, "echo-lie")
		c := h.client(t, Options{})
		got, err := c.UserGroups(ctx, ListOptions{}).All()
		if err != nil || len(got) != 200 {
			t.Fatalf("%d groups, %v; want 200", len(got), err)
		}
		seen := map[string]bool{}
		for _, g := range got {
			if seen[g.ID] {
				t.Fatalf("%s twice", g.ID)
			}
			seen[g.ID] = true
		}
	})
	t.Run("a silent cap", func(t *testing.T) {
		t.Parallel()
		h := startHostile(t, "cap")
		got, err := h.client(t, Options{}).UserGroups(ctx, ListOptions{PageSize: 200}).All()
		if err != nil || len(got) != 1000 {
			t.Fatalf("%d groups, %v; want 1000", len(got), err)
		}
		if s := h.stats(t); s.Requests != 40 || s.MaxInFlight > DefaultConcurrency {
			t.Errorf("%+v: want 40 requests, at most %d at once", s, DefaultConcurrency)
		}
	})
	t.Run("a huge answer", func(t *testing.T) {
		t.Parallel()
		h := startHostile(t, "huge", "--size", "8388608")
		c := h.client(t, Options{MaxResponse: 1 << 20})
		_, err := c.ListUserGroups(ctx, ListOptions{})
		if !errors.Is(err, ErrResponseTooLarge) || !strings.Contains(err.Error(), "GET "+RouteGroups) {
			t.Fatalf("err = %v", err)
		}
		// Under a cap it fits in, the same answer decodes.
		col, err := h.client(t, Options{MaxResponse: 16 << 20}).ListUserGroups(ctx, ListOptions{})
		if err != nil || len(col.Data) != 1 || len(col.Data[0].Name) < 8<<20-100 {
			t.Fatalf("under the cap: %v", err)
		}
	})
	t.Run("null rows", func(t *testing.T) {
		t.Parallel()
		h := startHostile(t, "nulls")
		_, err := h.client(t, Options{}).UserGroups(ctx, ListOptions{}).All()
		if !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), "GET "+RouteGroups) || !strings.Contains(err.Error(), "null") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("escapes", func(t *testing.T) {
		t.Parallel()
		h := startHostile(t, "escapes")
		c := h.client(t, Options{})
		// Data keeps what the agent sent: it is the script's to use.
		col, err := c.ListUserGroups(ctx, ListOptions{})
		if err != nil || len(col.Data) != 1 || col.Data[0].Name != hostileText {
			t.Fatalf("list: %v", err)
		}
		// Messages show it escaped (issue 15 item 5).
		_, err = c.InsertUserGroup(ctx, NewUserGroup{Name: "x"})
		var e *APIError
		if !errors.As(err, &e) || e.Status != StatusValidation || e.Messages[0] != hostileText {
			t.Fatalf("err = %v", err)
		}
		if want := "POST " + RouteInsertGroup + ": 499 DEFAULT: " + hostileEscaped; err.Error() != want {
			t.Errorf("err = %s\nwant %s", err, want)
		}
		wantNoControls(t, "the error", err.Error())
	})
}
