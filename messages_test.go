package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/emulator"
)

// hostileText is what a hostile agent says, in a group's name and in its
// error messages: a window title, a clear screen, then CR LF and a forged
// prompt.
const hostileText = "\x1b]0;pwned\x07\x1b[2J\r\nfake prompt"

// hostileEscaped is hostileText as clickscript's messages show it.
const hostileEscaped = `\x1b]0;pwned\x07\x1b[2J\x0d\x0afake prompt`

// hostileToken is the token of startHostileAgent's agent.
const hostileToken = "tok-hostile-4d2a"

// startHostileAgent serves the demo emulator with one more group, named
// hostileText, and answers POST /usergroup/update and the shared drives
// list with a 499 whose messages are hostileText. It returns the URL.
func startHostileAgent(t *testing.T) string {
	t.Helper()
	em, err := emulator.New(emulator.Options{Seed: "demo", Deterministic: true, Token: hostileToken})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { em.Close() })
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case clickapi.RouteUpdateGroup, clickapi.RouteSharedCloudDrives:
			body, _ := json.Marshal(map[string]any{"type": "DEFAULT", "status": 499,
				"errors": map[string][]string{"DEFAULT": {hostileText}}})
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(clickapi.StatusValidation)
			w.Write(body)
			return
		}
		em.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := clickapi.New(clickapi.Options{BaseURL: srv.URL, Token: hostileToken})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.InsertUserGroup(context.Background(), clickapi.NewUserGroup{Name: hostileText, Active: true}); err != nil {
		t.Fatal(err)
	}
	return srv.URL
}

// wantNoRemoteControls fails when out holds a control character that a
// terminal acts on (a newline is the output's own).
func wantNoRemoteControls(t *testing.T, what, out string) {
	t.Helper()
	if strings.ContainsAny(out, "\x1b\x07\r") || strings.Contains(out, "\nfake prompt") {
		t.Errorf("%s lets the agent's control characters through:\n%q", what, out)
	}
}

// findHostile is Lua that sets hg to the hostile group.
const findHostile = `for g in usergroup.list{} do if g.name:find("pwned", 1, true) then hg = g end end
assert(hg, "no hostile group")
`

// TestRemoteTextIsEscaped: what the agent says (a group's name, a 499's
// messages) reaches the terminal escaped, visibly, through run (its error,
// its log lines, a dry-run plan), the REPL (values and errors) and doctor
// (issue 15 item 5). A script's own print() is its output, and is not
// touched (README, "Security notes").
func TestRemoteTextIsEscaped(t *testing.T) {
	isolateUserDirs(t)
	url := startHostileAgent(t)
	conn := []string{"--url", url, "--token", hostileToken}

	t.Run("run", func(t *testing.T) {
		script := writeScript(t, findHostile+`log.info("found", {group = hg.name})
usergroup.update{id = hg.id, name = "renamed", description = "", active = true}
`)
		code, stdout, stderr := runCLI(t.Context(), t, "", append(append([]string{"run"}, conn...), script)...)
		if code != exitError {
			t.Fatalf("exit %d; want 1 from the 499\n%s", code, stderr)
		}
		wantNoRemoteControls(t, "run's stdout", stdout)
		wantNoRemoteControls(t, "run's stderr", stderr)
		if !strings.Contains(stderr, "usergroup.update: 499 DEFAULT: "+hostileEscaped) {
			t.Errorf("the 499's message is not shown escaped:\n%s", stderr)
		}
		if !strings.Contains(stderr, `msg=found group="\x1b]0;pwned\a\x1b[2J\r\nfake prompt"`) {
			t.Errorf("the log line does not show the name escaped:\n%s", stderr)
		}
	})
	t.Run("a script's error quoting the agent", func(t *testing.T) {
		script := writeScript(t, findHostile+`error("no good: " .. hg.name)`)
		code, _, stderr := runCLI(t.Context(), t, "", append(append([]string{"run"}, conn...), script)...)
		// The message is the script's, and may span lines: newlines
		// stay, every other control character is escaped.
		if code != exitError || strings.ContainsAny(stderr, "\x1b\x07\r") ||
			!strings.Contains(stderr, "no good: \\x1b]0;pwned\\x07\\x1b[2J\\x0d\nfake prompt") {
			t.Errorf("exit %d\n%q", code, stderr)
		}
	})
	t.Run("dry-run plan", func(t *testing.T) {
		script := writeScript(t, findHostile+`local u = user.list{}:first()
usergroup.assign{{userId = u.id, userGroupId = hg.id}}
`)
		code, stdout, stderr := runCLI(t.Context(), t, "", append(append([]string{"run", "--dry-run"}, conn...), script)...)
		if code != exitOK {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		wantNoRemoteControls(t, "a dry run's output", stdout+stderr)
		if !strings.Contains(stderr, `group="\x1b]0;pwned\a\x1b[2J\r\nfake prompt"`) {
			t.Errorf("the plan does not name the group, escaped:\n%s", stderr)
		}
	})
	t.Run("undo", func(t *testing.T) {
		auditFile := filepath.Join(t.TempDir(), "assign.audit")
		script := writeScript(t, findHostile+`local u = user.list{}:first()
usergroup.assign{{userId = u.id, userGroupId = hg.id}}
`)
		if code, _, stderr := runCLI(t.Context(), t, "", append(append([]string{"run", "--audit", auditFile}, conn...), script)...); code != exitOK {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		code, stdout, stderr := runCLI(t.Context(), t, "", append(append([]string{"undo", "--dry-run"}, conn...), auditFile)...)
		if code != exitOK || !strings.Contains(stdout, " from "+hostileEscaped+"\n") {
			t.Errorf("undo --dry-run: exit %d\n%s\n%s", code, stdout, stderr)
		}
		wantNoRemoteControls(t, "undo's output", stdout+stderr)
	})
	t.Run("print is the script's output", func(t *testing.T) {
		script := writeScript(t, findHostile+"print(hg.name)\n")
		code, stdout, stderr := runCLI(t.Context(), t, "", append(append([]string{"run"}, conn...), script)...)
		if code != exitOK || stdout != hostileText+"\n" {
			t.Errorf("exit %d, stdout %q; want the name as it is\n%s", code, stdout, stderr)
		}
	})
	t.Run("repl", func(t *testing.T) {
		in := findHostile + "hg\nusergroup.list{name = 'pwned'}\nhg.name\nusergroup.update{id = hg.id, name = 'renamed', description = '', active = true}\ndrive.list{}\n" +
			"error('no good: ' .. hg.name)\n"
		code, stdout, stderr := runCLI(t.Context(), t, in, append([]string{"repl"}, conn...)...)
		if code != exitError {
			t.Fatalf("exit %d; want 1 after a failed statement\n%s\n%s", code, stdout, stderr)
		}
		// A top-level string keeps its lines (it is the value asked
		// for, shown as print would), so only ESC, BEL and CR count there.
		if strings.ContainsAny(stdout+stderr, "\x1b\x07\r") {
			t.Errorf("the REPL lets control characters through:\n%q\n%q", stdout, stderr)
		}
		for _, want := range []string{
			`name = "\x1b]0;pwned\a\x1b[2J\r\nfake prompt"`, // a record
			`\x1b]0;pwned\x07\x1b[2J fake prompt`,           // a table cell
			"\\x1b]0;pwned\\x07\\x1b[2J\\x0d\nfake prompt",  // the string
		} {
			if !strings.Contains(stdout, want) {
				t.Errorf("stdout does not show %q:\n%s", want, stdout)
			}
		}
		for _, want := range []string{"usergroup.update: 499 DEFAULT: " + hostileEscaped, "drive.list: 499 DEFAULT: " + hostileEscaped,
			"no good: \\x1b]0;pwned\\x07\\x1b[2J\\x0d\nfake prompt"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr does not say %q:\n%s", want, stderr)
			}
		}
	})
	t.Run("doctor", func(t *testing.T) {
		code, stdout, stderr := runCLI(t.Context(), t, "", append([]string{"doctor", "--samples", "2"}, conn...)...)
		if code != exitError {
			t.Fatalf("exit %d; want 1 (the drives list fails)\n%s\n%s", code, stdout, stderr)
		}
		wantNoRemoteControls(t, "doctor's stdout", stdout)
		wantNoRemoteControls(t, "doctor's stderr", stderr)
		if !strings.Contains(stdout, "499 DEFAULT: "+hostileEscaped) {
			t.Errorf("the report does not show the 499's message escaped:\n%s", stdout)
		}
	})
}

// TestNoTokenMessage: with no token configured at all, a run says so and
// how to get one, rather than "token rejected or expired" (issue 18 item
// 9); whoami says the same.
func TestNoTokenMessage(t *testing.T) {
	isolateUserDirs(t)
	url := startDemoEmulator(t, "tok-demo-77e1")
	want := "usergroup.list: 401 Unauthorized: no token is configured: log in with `clickscript login`, or set CLICK_TOKEN (or --token-file) to an API token"
	code, _, stderr := runCLI(t.Context(), t, "", "run", "--url", url, writeScript(t, countScript))
	if code != exitError || !strings.Contains(stderr, want) || strings.Contains(stderr, "rejected or expired") {
		t.Errorf("exit %d; stderr does not say\n%s\n%s", code, want, stderr)
	}
	code, stdout, stderr := runCLI(t.Context(), t, "", "whoami", "--url", url)
	if code != exitError || !strings.Contains(stdout+stderr, "no token is configured: log in with `clickscript login`") {
		t.Errorf("whoami: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

// TestWrongServerMessage: a server that answers 404 to the API's routes
// (the wrong --url) is named, without credentials, and --url is the
// suggestion (issue 18 item 9).
func TestWrongServerMessage(t *testing.T) {
	isolateUserDirs(t)
	url := serveLoopback(t, http.NotFoundHandler())
	withUser := strings.Replace(url, "http://", "http://ops:hunter2@", 1)
	code, _, stderr := runCLI(t.Context(), t, "", "run", "--url", withUser, "--token", "tok-any-1234", writeScript(t, countScript))
	want := "(http://" + clickapi.Redacted + "@" + strings.TrimPrefix(url, "http://") +
		" does not serve this route: check that --url (or CLICK_URL) is the agent's address"
	if code != exitError || !strings.Contains(stderr, want) || strings.Contains(stderr, "hunter2") {
		t.Errorf("exit %d; stderr does not say\n%s\n%s", code, want, stderr)
	}
}

// TestRetriesLoggedAtInfo: a request that needed resends shows as one
// info line at the default log level, with its reasons (issue 18 item 9).
func TestRetriesLoggedAtInfo(t *testing.T) {
	isolateUserDirs(t)
	em, err := emulator.New(emulator.Options{Seed: "demo", Deterministic: true, Token: "tok-flaky-5b31"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { em.Close() })
	var calls atomic.Int32
	url := serveLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == clickapi.RouteGroups {
			switch calls.Add(1) {
			case 1:
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			case 2:
				w.WriteHeader(http.StatusBadGateway)
				return
			}
		}
		em.ServeHTTP(w, r)
	}))
	code, stdout, stderr := runCLI(t.Context(), t, "", "run", "--url", url, "--token", "tok-flaky-5b31", writeScript(t, countScript))
	if code != exitOK || stdout == "" {
		t.Fatalf("exit %d, stdout %q\n%s", code, stdout, stderr)
	}
	want := `level=INFO msg="request retried" method=GET path=/usergroup/get_all attempts=3 reasons="503, 502" result=ok`
	if n := strings.Count(stderr, "request retried"); n != 1 || !strings.Contains(stderr, want) {
		t.Errorf("%d retry lines; want one:\n%s\nstderr:\n%s", n, want, stderr)
	}
}

// TestSessionTextIsEscaped: who the agent says the user is (names, the
// account) shows escaped in whoami and the REPL's banner (issue 15 item
// 5); with no token, the banner says none is configured (issue 18 item 9).
func TestSessionTextIsEscaped(t *testing.T) {
	isolateUserDirs(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+clickapi.RouteAgentStatus, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("1")) })
	mux.HandleFunc("GET "+clickapi.RouteWhoAmI, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get(clickapi.TokenParam) == "" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"accountName": hostileText, "accountId": "a1", "userId": "u1",
			"firstName": hostileText, "lastName": "Doe", "username": "jane\x1b[2J@example.com", "userType": 16})
	})
	url := serveLoopback(t, mux)
	code, stdout, stderr := runCLI(t.Context(), t, "", "whoami", "--url", url, "--token", "tok-who-9f3e")
	if code != exitOK {
		t.Fatalf("whoami: exit %d\n%s", code, stderr)
	}
	wantNoRemoteControls(t, "whoami", stdout+stderr)
	wantInOrder(t, stdout, "user:", hostileEscaped+" Doe <jane\\x1b[2J@example.com>", "account:", hostileEscaped+" (a1)")

	c, _ := clickapi.New(clickapi.Options{BaseURL: url, Token: "tok-who-9f3e"})
	si, _ := c.Session(t.Context())
	if got, want := si.Banner(), `jane\x1b[2J@example.com (DesktopAdmin) of `+hostileEscaped+"; agent Started"; got != want {
		t.Errorf("banner %q\nwant %q", got, want)
	}
	c.SetToken("")
	si, _ = c.Session(t.Context())
	if got, want := si.Banner(), "not signed in: "+clickapi.ErrNoToken.Error()+"; agent Started"; got != want {
		t.Errorf("banner %q\nwant %q", got, want)
	}
}
