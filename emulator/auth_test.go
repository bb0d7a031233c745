package emulator

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/clickscript/clickscript/clickapi"
)

func TestAgentStatusNeedsNoToken(t *testing.T) {
	e := newEmu(t, Options{})
	a := raw(t, e, "GET", clickapi.RouteAgentStatus, "")
	if a.status != http.StatusOK || string(a.body) != "1" {
		t.Fatalf("got %d %q, want 200 1", a.status, a.body)
	}
}

func TestLogin(t *testing.T) {
	e := newEmu(t, Options{Deterministic: true})
	tests := []struct {
		name, body string
		code       string // "" for success
		msg        string
	}{
		{"right credentials", `{"username":"admin@example.com","password":"admin","type":16}`, "", ""},
		{"username ignores case", `{"username":"Admin@Example.com","password":"admin","type":16}`, "", ""},
		{"no type", `{"username":"admin@example.com","password":"admin"}`, "", ""},
		{"wrong password", `{"username":"admin@example.com","password":"nope","type":16}`, clickapi.CodeAuth, "wrong password"},
		{"wrong user", `{"username":"eve@example.com","password":"admin","type":16}`, clickapi.CodeAuth, "no such user"},
		{"password is case-sensitive", `{"username":"admin@example.com","password":"ADMIN","type":16}`, clickapi.CodeAuth, ""},
		{"bad type", `{"username":"admin@example.com","password":"admin","type":7}`, clickapi.CodeValidation, "type: 7 is not a login type"},
		{"malformed", `{"username":`, clickapi.CodeValidation, "body: malformed JSON"},
		{"empty body", ``, clickapi.CodeValidation, "body: required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := raw(t, e, "POST", clickapi.RouteLogin, tt.body)
			if tt.code != "" {
				wantProblem(t, a, tt.code, tt.msg)
				return
			}
			lr := decode[clickapi.LoginResponse](t, a)
			if lr.JWTToken == "" || lr.Challenge != clickapi.ChallengeNone || lr.Session != "" {
				t.Fatalf("login answer %+v", lr)
			}
			if !strings.Contains(string(a.body), `"session":""`) {
				t.Errorf("body %s lacks an empty session", a.body)
			}
			if got := raw(t, e, "GET", withToken(clickapi.RouteGroups, lr.JWTToken), ""); got.status != http.StatusOK {
				t.Errorf("issued token answers %d", got.status)
			}
		})
	}
}

func TestLoginCustomCredentials(t *testing.T) {
	e := newEmu(t, Options{Username: "ops@corp.example", Password: "s3cret"})
	wantProblem(t, raw(t, e, "POST", clickapi.RouteLogin, `{"username":"admin@example.com","password":"admin","type":16}`), clickapi.CodeAuth)
	decode[clickapi.LoginResponse](t, raw(t, e, "POST", clickapi.RouteLogin, `{"username":"ops@corp.example","password":"s3cret","type":64}`))
}

func TestLoginMFA(t *testing.T) {
	e := newEmu(t, Options{MFACode: "123456", Deterministic: true})
	lr := decode[clickapi.LoginResponse](t, raw(t, e, "POST", clickapi.RouteLogin, `{"username":"admin@example.com","password":"admin","type":16}`))
	if lr.JWTToken != "" || lr.Challenge != clickapi.ChallengeTOTP || lr.Session == "" {
		t.Fatalf("login answer %+v, want a TOTP challenge", lr)
	}
	if a := raw(t, e, "GET", withToken(clickapi.RouteGroups, lr.Session), ""); a.status != http.StatusUnauthorized {
		t.Fatalf("the MFA session works as a token: %d", a.status)
	}
	respond := func(session, code string) answer {
		return raw(t, e, "POST", clickapi.RouteMFARespond, mustJSON(t, clickapi.MFARequest{Session: session, UserCode: code}))
	}
	wantProblem(t, respond(lr.Session, "000000"), clickapi.CodeAuth, "code: wrong code")
	wantProblem(t, respond("nonsense", "123456"), clickapi.CodeSession, "session: unknown")
	wantProblem(t, respond("", "123456"), clickapi.CodeValidation, "session: required")
	wantProblem(t, raw(t, e, "POST", clickapi.RouteMFARespond, `[1]`), clickapi.CodeValidation, "body: expected an object")

	ok := decode[clickapi.LoginResponse](t, respond(lr.Session, "123456"))
	if ok.JWTToken == "" || ok.Challenge != clickapi.ChallengeNone {
		t.Fatalf("mfa answer %+v", ok)
	}
	if a := raw(t, e, "GET", withToken(clickapi.RouteGroups, ok.JWTToken), ""); a.status != http.StatusOK {
		t.Fatalf("token from mfa_respond answers %d", a.status)
	}
	wantProblem(t, respond(lr.Session, "123456"), clickapi.CodeSession, "already answered")
}

func TestMFARespondWithoutMFA(t *testing.T) {
	e := newEmu(t, Options{})
	wantProblem(t, raw(t, e, "POST", clickapi.RouteMFARespond, `{"session":"x","code":"1"}`), clickapi.CodeSession)
}

func TestDeterministicLoginTokens(t *testing.T) {
	tokens := func() []string {
		e := newEmu(t, Options{Deterministic: true})
		var out []string
		for range 2 {
			lr := decode[clickapi.LoginResponse](t, raw(t, e, "POST", clickapi.RouteLogin, `{"username":"admin@example.com","password":"admin","type":16}`))
			out = append(out, lr.JWTToken)
		}
		return out
	}
	a, b := tokens(), tokens()
	if a[0] != b[0] || a[1] != b[1] || a[0] == a[1] {
		t.Fatalf("tokens %q and %q: want equal runs of distinct tokens", a, b)
	}
}

func TestRandomToken(t *testing.T) {
	e1, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	e2, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if e1.Token() == "" || e1.Token() == e2.Token() {
		t.Fatalf("tokens %q and %q: want distinct random tokens", e1.Token(), e2.Token())
	}
	if a := raw(t, e1, "GET", withToken(clickapi.RouteGroups, e1.Token()), ""); a.status != http.StatusOK {
		t.Fatalf("generated token answers %d", a.status)
	}
}

func TestUnauthorizedOnEveryProtectedRoute(t *testing.T) {
	e := demoEmu(t)
	protected := 0
	for path, rts := range e.routeTable() {
		for _, rt := range rts {
			if rt.public {
				continue
			}
			protected++
			for name, target := range map[string]string{
				"missing":     path,
				"empty":       path + "?token=",
				"wrong":       withToken(path, "not-the-token"),
				"token+1":     withToken(path, testToken+"x"),
				"prefix":      withToken(path, testToken[:5]),
				"other param": path + "?tok=" + testToken,
			} {
				t.Run(rt.method+" "+path+"/"+name, func(t *testing.T) {
					a := raw(t, e, rt.method, target, "[]")
					if a.status != http.StatusUnauthorized || len(a.body) != 0 {
						t.Fatalf("got %d %q, want an empty 401", a.status, a.body)
					}
				})
			}
		}
	}
	// 11 usergroup, user and login-free routes, and the 30 access
	// endpoints (apitoken 3, user 4, projects and drives 3, permissions 20).
	if want := 41; protected != want {
		t.Fatalf("%d protected routes, want %d", protected, want)
	}
}

func TestRouting(t *testing.T) {
	e := newEmu(t, Options{})
	if a := call(t, e, "GET", "/usergroup/nope", ""); a.status != http.StatusNotFound {
		t.Errorf("unknown route: %d, want 404", a.status)
	}
	if a := call(t, e, "GET", "/api/v1/usergroup/get_all", ""); a.status != http.StatusNotFound {
		t.Errorf("prefixed route: %d, want 404", a.status)
	}
	a := call(t, e, "POST", clickapi.RouteGroups, "{}")
	if a.status != http.StatusMethodNotAllowed || a.header.Get("Allow") != "GET" {
		t.Errorf("wrong method: %d Allow %q, want 405 Allow GET", a.status, a.header.Get("Allow"))
	}
	if a := raw(t, e, "DELETE", clickapi.RouteInsertGroup, ""); a.status != http.StatusMethodNotAllowed {
		t.Errorf("wrong method without token: %d, want 405", a.status)
	}
	if a := raw(t, e, "GET", clickapi.RouteLogin, ""); a.status != http.StatusMethodNotAllowed {
		t.Errorf("GET login: %d, want 405", a.status)
	}
}

func TestEveryContractRouteIsServed(t *testing.T) {
	routes := (&Emulator{}).routeTable()
	for _, path := range []string{
		clickapi.RouteAgentStatus, clickapi.RouteLogin, clickapi.RouteMFARespond, clickapi.RouteUsers,
		clickapi.RouteGroups, clickapi.RouteGroupsWithDetails, clickapi.RouteInsertGroup,
		clickapi.RouteUpdateGroup, clickapi.RouteDeleteGroup, clickapi.RouteAssignedUsers,
		clickapi.RouteAssignedUserGroups, clickapi.RouteAssignUsers, clickapi.RouteUnassignUser,
		clickapi.RouteImportUsers,
	} {
		if _, ok := routes[path]; !ok {
			t.Errorf("route %s is not served", path)
		}
	}
}

func TestLoggerNeverPrintsToken(t *testing.T) {
	var buf bytes.Buffer
	e := newEmu(t, Options{Seed: "demo", Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	call(t, e, "GET", clickapi.RouteGroups+"?name=design", "")
	call(t, e, "POST", clickapi.RouteInsertGroup, `{"name":"Design Team"}`)
	raw(t, e, "GET", withToken(clickapi.RouteGroups, "wrong-"+testToken), "")
	lr := decode[clickapi.LoginResponse](t, raw(t, e, "POST", clickapi.RouteLogin, `{"username":"admin@example.com","password":"admin","type":16}`))
	raw(t, e, "GET", withToken(clickapi.RouteGroups, lr.JWTToken), "")
	out := buf.String()
	if strings.Contains(out, testToken) || strings.Contains(out, lr.JWTToken) || strings.Contains(out, "token=") {
		t.Fatalf("log holds a token:\n%s", out)
	}
	for _, want := range []string{"path=/usergroup/get_all", "status=499", "problem=DUPLICATE", "status=401"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}
