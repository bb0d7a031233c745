package emulator

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

func TestAgentStatusNeedsNoToken(t *testing.T) {
	e := newEmu(t, Options{})
	a := raw(t, e, "GET", routeAgentStatus, "")
	if a.status != http.StatusOK || string(a.body) != "1" {
		t.Fatalf("got %d %q, want 200 1", a.status, a.body)
	}
}

func TestLogin(t *testing.T) {
	e := newEmu(t, Options{Deterministic: true})
	tests := []struct {
		name, body string
		status     int    // 200, 401 or 499
		code       string // the 499's type
		msg        string
	}{
		{"right credentials", `{"username":"admin@example.com","password":"admin","type":16}`, 200, "", ""},
		{"username ignores case", `{"username":"Admin@Example.com","password":"admin","type":16}`, 200, "", ""},
		{"keys ignore case (I3)", `{"UserName":"admin@example.com","PASSWORD":"admin","Type":16}`, 200, "", ""},
		{"a requestToken is ignored (I16)", `{"username":"admin@example.com","password":"admin","type":16,"requestToken":"x"}`, 200, "", ""},
		// [click:errors.md]: auth failures are 401 on the agent, not 499 AUTH.
		{"wrong password", `{"username":"admin@example.com","password":"nope","type":16}`, 401, "", ""},
		{"wrong user", `{"username":"eve@example.com","password":"admin","type":16}`, 401, "", ""},
		{"password is case-sensitive", `{"username":"admin@example.com","password":"ADMIN","type":16}`, 401, "", ""},
		// [web:authentication.md]: a wrong type fails like bad credentials.
		{"no type", `{"username":"admin@example.com","password":"admin"}`, 401, "", ""},
		{"not a login type", `{"username":"admin@example.com","password":"admin","type":7}`, 401, "", ""},
		{"a type the user does not have", `{"username":"admin@example.com","password":"admin","type":64}`, 401, "", ""},
		{"malformed", `{"username":`, 499, codeDefault, "body: malformed JSON"},
		{"empty body", ``, 499, codeDefault, "body: required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := raw(t, e, "POST", routeLogin, tt.body)
			switch tt.status {
			case 401:
				wantUnauthorized(t, a)
				return
			case 499:
				wantProblem(t, a, tt.code, tt.msg)
				return
			}
			lr := decode[apiLogin](t, a)
			if lr.JWTToken == "" || lr.Challenge != challengeNone || lr.Session != "" {
				t.Fatalf("login answer %+v", lr)
			}
			if string(a.body) != `{"jwtToken":"`+lr.JWTToken+`","challenge":0,"session":""}` {
				t.Errorf("body %s, want exactly jwtToken, challenge 0 and an empty session", a.body)
			}
			if got := raw(t, e, "GET", withToken(routeGroups, lr.JWTToken), ""); got.status != http.StatusOK {
				t.Errorf("issued token answers %d", got.status)
			}
		})
	}
}

func TestLoginCustomCredentials(t *testing.T) {
	e := newEmu(t, Options{Username: "ops@corp.example", Password: "s3cret"})
	wantUnauthorized(t, raw(t, e, "POST", routeLogin, `{"username":"admin@example.com","password":"admin","type":16}`))
	decode[apiLogin](t, raw(t, e, "POST", routeLogin, `{"username":"ops@corp.example","password":"s3cret","type":16}`))
	// Without a user record the login user is a DesktopAdmin only.
	wantUnauthorized(t, raw(t, e, "POST", routeLogin, `{"username":"ops@corp.example","password":"s3cret","type":64}`))
}

func TestLoginTypeOfUserRecord(t *testing.T) {
	// grace.hopper is a DesktopCreativeUser (32) in the demo seed.
	e := newEmu(t, Options{Seed: "demo", Username: "grace.hopper@example.com", Password: "pw"})
	decode[apiLogin](t, raw(t, e, "POST", routeLogin, `{"username":"grace.hopper@example.com","password":"pw","type":32}`))
	wantUnauthorized(t, raw(t, e, "POST", routeLogin, `{"username":"grace.hopper@example.com","password":"pw","type":16}`))
}

func TestLoginMFA(t *testing.T) {
	for _, challenge := range []int{challengeTOTP, challengeSMS} {
		t.Run(fmt.Sprint("challenge ", challenge), func(t *testing.T) {
			opts := Options{MFACode: "123456", Deterministic: true}
			if challenge == challengeSMS {
				opts.MFAChallenge = challengeSMS
			}
			e := newEmu(t, opts)
			a := raw(t, e, "POST", routeLogin, `{"username":"admin@example.com","password":"admin","type":16}`)
			lr := decode[apiLogin](t, a)
			if lr.JWTToken != "" || lr.Challenge != challenge || lr.Session == "" {
				t.Fatalf("login answer %s, want challenge %d with a session and no token", a.body, challenge)
			}
			if a := raw(t, e, "GET", withToken(routeGroups, lr.Session), ""); a.status != http.StatusUnauthorized {
				t.Fatalf("the MFA session works as a token: %d", a.status)
			}
			respond := func(session, code string) answer {
				return raw(t, e, "POST", routeMFARespond, mustJSON(t, mfaRequest{Session: session, UserCode: code}))
			}
			// [web:authentication.md]: a wrong code or a stale session is 499 TOTP.
			wantProblem(t, respond(lr.Session, "000000"), codeTOTP, "userCode: wrong code")
			wantProblem(t, respond("nonsense", "123456"), codeTOTP, "session: unknown")
			wantProblem(t, respond("", "123456"), codeDefault, "session: required")
			wantProblem(t, raw(t, e, "POST", routeMFARespond, `[1]`), codeDefault, "body: expected an object")
			// The documented key is userCode [click:authentication.md]; code is not it.
			wantProblem(t, raw(t, e, "POST", routeMFARespond, `{"session":"`+lr.Session+`","code":"123456"}`), codeTOTP, "userCode: wrong code")

			ok := decode[apiLogin](t, respond(lr.Session, "123456"))
			if ok.JWTToken == "" || ok.Challenge != challengeNone {
				t.Fatalf("mfa answer %+v", ok)
			}
			if a := raw(t, e, "GET", withToken(routeGroups, ok.JWTToken), ""); a.status != http.StatusOK {
				t.Fatalf("token from mfa_respond answers %d", a.status)
			}
			wantProblem(t, respond(lr.Session, "123456"), codeTOTP, "already answered")
		})
	}
}

func TestMFARespondWithoutMFA(t *testing.T) {
	e := newEmu(t, Options{})
	wantProblem(t, raw(t, e, "POST", routeMFARespond, `{"session":"x","userCode":"1"}`), codeTOTP)
}

func TestLogout(t *testing.T) {
	e := newEmu(t, Options{Deterministic: true})
	lr := decode[apiLogin](t, raw(t, e, "POST", routeLogin, `{"username":"admin@example.com","password":"admin","type":16}`))
	other := decode[apiLogin](t, raw(t, e, "POST", routeLogin, `{"username":"admin@example.com","password":"admin","type":16}`))
	if a := raw(t, e, "GET", withToken(routeGroups, lr.JWTToken), ""); a.status != http.StatusOK {
		t.Fatalf("before logout: %d", a.status)
	}
	// [click:authentication.md]: no token parameter, the token in the body,
	// 200 with no body.
	wantOK(t, raw(t, e, "POST", routeLogout, `{"jwtToken":"`+lr.JWTToken+`"}`))
	wantUnauthorized(t, raw(t, e, "GET", withToken(routeGroups, lr.JWTToken), ""))
	wantUnauthorized(t, raw(t, e, "GET", withToken(routeUserInfo, lr.JWTToken), ""))
	if a := raw(t, e, "GET", withToken(routeGroups, other.JWTToken), ""); a.status != http.StatusOK {
		t.Fatalf("another session ended with the first: %d", a.status)
	}
	// Again: still an empty 200; the token stays dead.
	wantOK(t, raw(t, e, "POST", routeLogout, `{"jwtToken":"`+lr.JWTToken+`"}`))
	// The static token can be logged out too.
	wantOK(t, raw(t, e, "POST", routeLogout, `{"jwtToken":"`+e.Token()+`"}`))
	wantUnauthorized(t, call(t, e, "GET", routeGroups, ""))
	wantProblem(t, raw(t, e, "POST", routeLogout, `{}`), codeDefault, "jwtToken: required")
	if a := raw(t, e, "GET", routeLogout, ""); a.status != http.StatusMethodNotAllowed {
		t.Errorf("GET logout: %d, want 405", a.status)
	}
}

func TestUserInfo(t *testing.T) {
	t.Run("user record", func(t *testing.T) {
		e := demoEmu(t)
		a := call(t, e, "GET", routeUserInfo, "")
		info := decode[apiUserInfo](t, a)
		admin := userNamed(t, e, "admin@example.com")
		want := apiUserInfo{AccountName: accountName, AccountID: accountID, UserID: admin.ID, FirstName: "Alex", LastName: "Admin",
			Username: "admin@example.com", UserType: typeDesktopAdmin, JWTToken: e.Token(), Owner: true,
			SubscriptionType: subscriptionMonthly, MFA: true}
		if info != want {
			t.Fatalf("user info %+v, want %+v", info, want)
		}
		// The keys of [click:authentication.md], in its order, firstName
		// and lastName camel-cased.
		wantKeys(t, a.body, "accountName", "accountId", "userId", "firstName", "lastName", "username", "userType",
			"jwtToken", "owner", "migration", "subscriptionType", "mfa", "authProvider")
	})
	t.Run("no user record", func(t *testing.T) {
		e := newEmu(t, Options{Username: "user@example.com", Password: "p@ssw0rd"})
		info := decode[apiUserInfo](t, call(t, e, "GET", routeUserInfo, ""))
		if info.Username != "user@example.com" || info.UserID != signedInUserID || info.UserType != typeDesktopAdmin || info.JWTToken != e.Token() || info.MFA {
			t.Fatalf("user info %+v", info)
		}
	})
	t.Run("needs a token", func(t *testing.T) {
		wantUnauthorized(t, raw(t, newEmu(t, Options{}), "GET", routeUserInfo, ""))
	})
}

func TestDeterministicLoginTokens(t *testing.T) {
	tokens := func() []string {
		e := newEmu(t, Options{Deterministic: true})
		var out []string
		for range 2 {
			lr := decode[apiLogin](t, raw(t, e, "POST", routeLogin, `{"username":"admin@example.com","password":"admin","type":16}`))
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
	if a := raw(t, e1, "GET", withToken(routeGroups, e1.Token()), ""); a.status != http.StatusOK {
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
	// 12 usergroup, user and authentication routes, and the 30 access
	// endpoints (apitoken 3, user 4, projects and drives 3, permissions 20).
	if want := 42; protected != want {
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
	a := call(t, e, "POST", routeGroups, "{}")
	if a.status != http.StatusMethodNotAllowed || a.header.Get("Allow") != "GET" {
		t.Errorf("wrong method: %d Allow %q, want 405 Allow GET", a.status, a.header.Get("Allow"))
	}
	if a := raw(t, e, "DELETE", routeInsertGroup, ""); a.status != http.StatusMethodNotAllowed {
		t.Errorf("wrong method without token: %d, want 405", a.status)
	}
	if a := raw(t, e, "GET", routeLogin, ""); a.status != http.StatusMethodNotAllowed {
		t.Errorf("GET login: %d, want 405", a.status)
	}
}

func TestEveryContractRouteIsServed(t *testing.T) {
	routes := (&Emulator{}).routeTable()
	for _, path := range []string{
		routeAgentStatus, routeLogin, routeMFARespond, routeUsers,
		routeGroups, routeGroupsWithDetails, routeInsertGroup,
		routeUpdateGroup, routeDeleteGroup, routeAssignedUsers,
		routeAssignedUserGroups, routeAssignUsers, routeUnassignUser,
		routeImportUsers,
	} {
		if _, ok := routes[path]; !ok {
			t.Errorf("route %s is not served", path)
		}
	}
}

func TestLoggerNeverPrintsToken(t *testing.T) {
	var buf bytes.Buffer
	e := newEmu(t, Options{Seed: "demo", Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	call(t, e, "GET", routeGroups+"?name=design", "")
	call(t, e, "POST", routeInsertGroup, `{"name":"Design Team"}`)
	raw(t, e, "GET", withToken(routeGroups, "wrong-"+testToken), "")
	lr := decode[apiLogin](t, raw(t, e, "POST", routeLogin, `{"username":"admin@example.com","password":"admin","type":16}`))
	raw(t, e, "GET", withToken(routeGroups, lr.JWTToken), "")
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
