package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/clickapi/cassette"
	"github.com/clickscript/clickscript/emulator"
)

// fakeAgent answers the session calls exactly as the vendor's
// authentication, management and error pages say the agent does
// ([click:authentication.md], [click:management.md], [click:errors.md]),
// plus a group list for runs. It records what clickscript sent, so that
// the tests read the client's requests.
type fakeAgent struct {
	t                  *testing.T
	username, password string
	typ                clickapi.LoginType
	challenge          clickapi.Challenge // asked after the password
	code               string             // the right MFA code
	state              int                // what agent_status answers

	mu      sync.Mutex
	tokens  map[string]bool
	n       int
	logouts []string // the bodies of logout requests
	queries []string // the raw queries of login, mfa_respond and logout (must be empty)
}

func newFakeAgent(t *testing.T) (*fakeAgent, string) {
	f := &fakeAgent{t: t, username: "user@example.com", password: "p@ssw0rd", typ: clickapi.DesktopAdmin,
		code: "123456", state: 1, tokens: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+clickapi.RouteLogin, f.login)
	mux.HandleFunc("POST "+clickapi.RouteMFARespond, f.mfaRespond)
	mux.HandleFunc("POST "+clickapi.RouteLogout, f.logout)
	mux.HandleFunc("GET "+clickapi.RouteWhoAmI, f.user)
	mux.HandleFunc("GET "+clickapi.RouteAgentStatus, func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		fmt.Fprint(w, f.state)
	})
	mux.HandleFunc("GET "+clickapi.RouteGroups, func(w http.ResponseWriter, r *http.Request) {
		if !f.valid(r) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		io.WriteString(w, `{"data":[{"id":"00000000-0000-0000-0000-000000000001","name":"Design Team"}],"total":3,"options":{"page":1,"pageSize":1}}`)
	})
	return f, serveLoopback(t, mux)
}

// set changes the agent's settings while it serves.
func (f *fakeAgent) set(change func(f *fakeAgent)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f)
}

func (f *fakeAgent) issue() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	tok := fmt.Sprintf("fake-jwt-%04d-SECRET", f.n)
	f.tokens[tok] = true
	return tok
}

func (f *fakeAgent) valid(r *http.Request) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokens[r.URL.Query().Get(clickapi.TokenParam)]
}

func (f *fakeAgent) noQuery(r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries = append(f.queries, r.URL.RawQuery)
}

func problem499(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set(clickapi.ErrorCodeHeader, code)
	w.WriteHeader(clickapi.StatusValidation)
	fmt.Fprintf(w, `{"type":%q,"status":499,"errors":{%q:[%q]}}`, code, code, msg)
}

func (f *fakeAgent) login(w http.ResponseWriter, r *http.Request) {
	f.noQuery(r)
	var req map[string]any
	json.NewDecoder(r.Body).Decode(&req)
	f.mu.Lock()
	username, password, typ, challenge := f.username, f.password, f.typ, f.challenge
	f.mu.Unlock()
	if req["username"] != username || req["password"] != password || req["type"] != float64(typ) || len(req) != 3 {
		w.WriteHeader(http.StatusUnauthorized) // no body documented (I10)
		return
	}
	if challenge != clickapi.ChallengeNone {
		fmt.Fprintf(w, `{"jwtToken":"","challenge":%d,"session":"EXAMPLE_SESSION"}`, challenge)
		return
	}
	fmt.Fprintf(w, `{"jwtToken":%q,"challenge":0,"session":""}`, f.issue())
}

func (f *fakeAgent) mfaRespond(w http.ResponseWriter, r *http.Request) {
	f.noQuery(r)
	var req map[string]any
	json.NewDecoder(r.Body).Decode(&req)
	f.mu.Lock()
	code := f.code
	f.mu.Unlock()
	if len(req) != 2 || req["session"] != "EXAMPLE_SESSION" || req["userCode"] != code {
		problem499(w, clickapi.CodeTOTP, "MFA challenge failed")
		return
	}
	fmt.Fprintf(w, `{"jwtToken":%q,"challenge":0,"session":""}`, f.issue())
}

func (f *fakeAgent) logout(w http.ResponseWriter, r *http.Request) {
	f.noQuery(r)
	b, _ := io.ReadAll(r.Body)
	var req struct{ JWTToken string }
	json.Unmarshal(b, &req)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logouts = append(f.logouts, string(b))
	if !f.tokens[req.JWTToken] {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	delete(f.tokens, req.JWTToken) // 200, no body
}

func (f *fakeAgent) user(w http.ResponseWriter, r *http.Request) {
	if !f.valid(r) {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	fmt.Fprintf(w, `{"accountName":"Example Org","accountId":"00000000-0000-0000-0000-00000000000a","userId":"00000000-0000-0000-0000-00000000000b",`+
		`"firstName":"Jane","lastName":"Doe","username":%q,"userType":%d,"jwtToken":%q,"owner":true,"migration":false,`+
		`"subscriptionType":1,"mfa":%t,"authProvider":0}`, f.username, f.typ, r.URL.Query().Get(clickapi.TokenParam), f.challenge != 0)
}

// wantInOrder checks that s holds each of parts, in order.
func wantInOrder(t *testing.T, s string, parts ...string) {
	t.Helper()
	rest := s
	for _, p := range parts {
		i := strings.Index(rest, p)
		if i < 0 {
			t.Fatalf("output lacks %q (in order):\n%s", p, s)
		}
		rest = rest[i+len(p):]
	}
}

// [click:authentication.md]: login, answering a TOTP or SMS challenge
// through mfa_respond with userCode (I15 for SMS), a wrong code asked
// again (499 TOTP), then confirmed with GET /authentication/user.
func TestLoginChallenges(t *testing.T) {
	tests := []struct {
		name      string
		challenge clickapi.Challenge
		stdin     string
		prompts   []string
	}{
		{"no challenge", clickapi.ChallengeNone, "p@ssw0rd\n", []string{"Password for user@example.com: "}},
		{"TOTP", clickapi.ChallengeTOTP, "p@ssw0rd\n123456\n", []string{"TOTP code (the code of your authenticator app): "}},
		{"SMS", clickapi.ChallengeSMS, "p@ssw0rd\n123456\n", []string{"SMS code (the code sent by SMS): "}},
		{"a wrong code, then the right one", clickapi.ChallengeTOTP, "p@ssw0rd\r\n000000\r\n123456\r\n",
			[]string{"TOTP code (", "wrong code, try again (2 tries left)", "TOTP code ("}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := isolateUserDirs(t)
			f, url := newFakeAgent(t)
			f.set(func(f *fakeAgent) { f.challenge = tt.challenge })
			code, stdout, stderr := runCLI(t.Context(), t, tt.stdin, "login", "--url", url, "--username", "user@example.com")
			if code != exitOK {
				t.Fatalf("login: exit %d\n%s", code, stderr)
			}
			wantInOrder(t, stderr, tt.prompts...)
			wantInOrder(t, stderr, "Logged in as user@example.com (DesktopAdmin) of Example Org at "+url+"; token saved to "+filepath.Join(cfg, "token"))
			token := wantSavedToken(t, filepath.Join(cfg, "token"))
			if strings.Contains(stderr+stdout, token) || strings.Contains(stderr+stdout, "p@ssw0rd") {
				t.Errorf("login printed the token or the password:\n%s%s", stdout, stderr)
			}
			f.mu.Lock()
			for _, q := range f.queries {
				if q != "" {
					t.Errorf("a public auth call had the query %q", q)
				}
			}
			f.mu.Unlock()
			code, stdout, stderr = runCLI(t.Context(), t, "", "run", "--url", url, writeScript(t, countScript))
			if code != exitOK || strings.TrimSpace(stdout) != "3" {
				t.Fatalf("run after login: exit %d, stdout %q\n%s", code, stdout, stderr)
			}
		})
	}
}

// A 401 to login is refused credentials or a wrong --type, and says so;
// three wrong codes end the login. Nothing is saved.
func TestLoginRefusals(t *testing.T) {
	tests := []struct {
		name      string
		challenge clickapi.Challenge
		stdin     string
		args      []string
		want      []string
	}{
		{"wrong password", 0, "nope\n", nil,
			[]string{"clickscript login: login refused: check the username, password and --type (as user@example.com with --type 16, DesktopAdmin)"}},
		{"wrong type", 0, "p@ssw0rd\n", []string{"--type", "64"},
			[]string{"login refused: check the username, password and --type (as user@example.com with --type 64, DesktopStandardUser)"}},
		{"three wrong codes", clickapi.ChallengeTOTP, "p@ssw0rd\n1\n2\n3\n", nil,
			[]string{"wrong code, try again (2 tries left)", "wrong code, try again (1 try left)", "clickscript login: wrong code 3 times: log in again", "499 TOTP"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := isolateUserDirs(t)
			f, url := newFakeAgent(t)
			f.set(func(f *fakeAgent) { f.challenge = tt.challenge })
			code, _, stderr := runCLI(t.Context(), t, tt.stdin, append([]string{"login", "--url", url, "--username", "user@example.com"}, tt.args...)...)
			if code != exitError {
				t.Fatalf("exit %d, want %d\n%s", code, exitError, stderr)
			}
			wantInOrder(t, stderr, tt.want...)
			if strings.Contains(stderr, "token rejected") {
				t.Errorf("a refused login reads as an expired token:\n%s", stderr)
			}
			if _, err := os.Stat(filepath.Join(cfg, "token")); err == nil {
				t.Error("a failed login saved a token")
			}
		})
	}
}

// [click:authentication.md]: logout posts {jwtToken} with no token
// parameter; afterwards the agent answers 401 for that token, and the
// saved token is gone. The token is forgotten whatever the agent answers.
func TestLogoutEndsTheSession(t *testing.T) {
	cfg := isolateUserDirs(t)
	f, url := newFakeAgent(t)
	if code, _, stderr := runCLI(t.Context(), t, "p@ssw0rd\n", "login", "--url", url, "--username", "user@example.com"); code != exitOK {
		t.Fatalf("login: %s", stderr)
	}
	path := filepath.Join(cfg, "token")
	token := wantSavedToken(t, path)
	code, stdout, stderr := runCLI(t.Context(), t, "", "logout", "--url", url)
	if code != exitOK {
		t.Fatalf("logout: exit %d\n%s", code, stderr)
	}
	wantInOrder(t, stderr, "Ended the session on the agent at "+url+".", "Removed the saved token "+path+".")
	if strings.Contains(stdout+stderr, token) {
		t.Error("logout printed the token")
	}
	f.mu.Lock()
	if len(f.logouts) != 1 || f.logouts[0] != `{"jwtToken":"`+token+`"}` || f.queries[len(f.queries)-1] != "" {
		t.Errorf("logout requests %q, last query %q", f.logouts, f.queries[len(f.queries)-1])
	}
	f.mu.Unlock()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("token file still there: %v", err)
	}
	// The ended session's token is refused now.
	code, _, stderr = runCLI(t.Context(), t, "", "whoami", "--url", url, "--token", token)
	if code != exitError || !strings.Contains(stderr, "not signed in: token rejected or expired: log in again") {
		t.Errorf("whoami with the ended token: exit %d\n%s", code, stderr)
	}
	// Nothing to forget is no error, and sends nothing.
	code, _, stderr = runCLI(t.Context(), t, "", "logout", "--url", url)
	f.mu.Lock()
	logouts := len(f.logouts)
	f.mu.Unlock()
	if code != exitOK || !strings.Contains(stderr, "No saved token at "+path) || logouts != 1 {
		t.Fatalf("second logout: exit %d, %d logouts\n%s", code, logouts, stderr)
	}
	// An agent that already ended the session (401), or that is gone:
	// the token is forgotten all the same.
	for _, tc := range []struct{ name, url, want string }{
		{"already ended", url, "The agent at " + url + " had already ended the session."},
		{"agent gone", "http://127.0.0.1:9", "Warning: the agent did not end the session"},
	} {
		writeFileAtomic(path, []byte("fake-jwt-9999-SECRET\n"))
		code, _, stderr = runCLI(t.Context(), t, "", "logout", "--url", tc.url)
		if code != exitOK || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, "Removed the saved token") {
			t.Errorf("%s: exit %d\n%s", tc.name, code, stderr)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("%s: token file still there", tc.name)
		}
	}
}

// whoami says who the token belongs to, the account, the user type by
// name and the agent's state by name; it never prints the token (the
// answer's jwtToken included), and exits 1 when something is not right.
func TestWhoAmICommand(t *testing.T) {
	isolateUserDirs(t)
	f, url := newFakeAgent(t)
	token := f.issue()
	code, stdout, stderr := runCLI(t.Context(), t, "", "whoami", "--url", url, "--token", token)
	if code != exitOK {
		t.Fatalf("whoami: exit %d\n%s", code, stderr)
	}
	wantInOrder(t, stdout, "user:", "Jane Doe <user@example.com>", "user id:", "00000000-0000-0000-0000-00000000000b",
		"account:", "Example Org (00000000-0000-0000-0000-00000000000a, owner)", "user type:", "DesktopAdmin (16)",
		"subscription:", "Monthly", "sign-in:", "AWSCognito, MFA off", "agent:", "Started (1) at "+url)
	if strings.Contains(stdout+stderr, token) {
		t.Errorf("whoami printed the token:\n%s%s", stdout, stderr)
	}
	f.set(func(f *fakeAgent) { f.state = 0 })
	code, stdout, stderr = runCLI(t.Context(), t, "", "whoami", "--url", url, "--token", token)
	if code != exitError || !strings.Contains(stderr, "agent not ready (Created, state 0)") {
		t.Errorf("agent in state 0: exit %d\n%s%s", code, stdout, stderr)
	}
	wantInOrder(t, stdout, "agent:", "Created (0) at "+url+": not ready")
	f.set(func(f *fakeAgent) { f.state = 1 })
	code, stdout, stderr = runCLI(t.Context(), t, "", "whoami", "--url", url, "--token", "not-a-token")
	if code != exitError || !strings.Contains(stdout, "user:") || !strings.Contains(stderr, "not signed in") {
		t.Errorf("bad token: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := runCLI(t.Context(), t, "", "whoami", "extra"); code != exitUsage {
		t.Errorf("whoami extra: exit %d\n%s", code, stderr)
	}
}

// The REPL banner's line: who and where, in one line, from the same calls.
func TestSessionBanner(t *testing.T) {
	f, url := newFakeAgent(t)
	c, _ := clickapi.New(clickapi.Options{BaseURL: url, Token: f.issue()})
	si, err := c.Session(t.Context())
	if err != nil || !si.OK() || si.Banner() != "user@example.com (DesktopAdmin) of Example Org; agent Started" {
		t.Errorf("banner %q, ok %v, %v", si.Banner(), si.OK(), err)
	}
	c.SetToken("nope")
	f.set(func(f *fakeAgent) { f.state = 8 })
	si, _ = c.Session(t.Context())
	if si.OK() || si.Banner() != "not signed in: token rejected or expired: log in again; agent not ready (Disposed, state 8)" {
		t.Errorf("banner %q", si.Banner())
	}
}

// The REPL greets with the session's banner line, but not in a replay,
// whose cassette holds only the script's requests.
func TestREPLBanner(t *testing.T) {
	f, url := newFakeAgent(t)
	c, _ := clickapi.New(clickapi.Options{BaseURL: url, Token: f.issue()})
	if got := replBanner(t.Context(), &session{client: c}); got != "user@example.com (DesktopAdmin) of Example Org; agent Started" {
		t.Errorf("banner %q", got)
	}
	if got := replBanner(t.Context(), &session{client: c, replayer: cassette.NewReplayer(&cassette.Cassette{})}); got != "" {
		t.Errorf("replay banner %q, want none", got)
	}
}

// The session commands against the emulator, now that it serves the
// authentication page's routes: login confirms with /authentication/user,
// whoami answers, logout ends the session, and the emulator refuses the
// ended token.
func TestSessionCommandsAgainstTheEmulator(t *testing.T) {
	cfg := isolateUserDirs(t)
	_, url := startLoginAgent(t, emulator.Options{})
	code, _, stderr := runCLI(t.Context(), t, "admin\n", "login", "--url", url, "--username", "admin@example.com")
	if code != exitOK || !strings.Contains(stderr, "Logged in as admin@example.com (DesktopAdmin) of ") {
		t.Fatalf("login: exit %d\n%s", code, stderr)
	}
	token := wantSavedToken(t, filepath.Join(cfg, "token"))
	code, stdout, stderr := runCLI(t.Context(), t, "", "whoami", "--url", url)
	if code != exitOK || !strings.Contains(stdout, "<admin@example.com>") || !strings.Contains(stdout, "Started (1)") || strings.Contains(stdout+stderr, token) {
		t.Fatalf("whoami: exit %d\n%s%s", code, stdout, stderr)
	}
	code, _, stderr = runCLI(t.Context(), t, "", "logout", "--url", url)
	if code != exitOK || !strings.Contains(stderr, "Ended the session on the agent at "+url) {
		t.Fatalf("logout: exit %d\n%s", code, stderr)
	}
	code, _, stderr = runCLI(t.Context(), t, "", "whoami", "--url", url, "--token", token)
	if code != exitError || !strings.Contains(stderr, "not signed in: token rejected or expired: log in again") {
		t.Errorf("whoami with the ended token: exit %d\n%s", code, stderr)
	}
	code, _, stderr = runCLI(t.Context(), t, "nope\n", "login", "--url", url, "--username", "admin@example.com")
	if code != exitError || !strings.Contains(stderr, "login refused: check the username, password and --type") {
		t.Errorf("wrong password: exit %d\n%s", code, stderr)
	}
}
