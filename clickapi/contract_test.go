package clickapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// This file checks the client's requests against the FOUND facts of the
// contract (../shared/api/click-api.md) that the client relies on, each
// test naming the vendor page, and its tolerance of the shapes the two doc
// sets disagree on. Every test reads what the client sent.

// request is what a handler saw of one request.
type request struct {
	method, path string
	query        url.Values
	body         string
}

// capture registers a handler on route that records each request and
// answers with status and body.
func capture(t *testing.T, mux *http.ServeMux, route string, status int, body string) *[]request {
	t.Helper()
	var got []request
	mux.HandleFunc(route, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, request{r.Method, r.URL.Path, r.URL.Query(), string(b)})
		if body != "" {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	})
	return &got
}

// jsonKeys returns the sorted keys of a JSON object.
func jsonKeys(t *testing.T, s string) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("body %q: %v", s, err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// [click:authentication.md]: login posts {username, password, type} with no
// token and no requestToken (I16); a 401 is refused credentials, which
// login reports as such and never as an expired token [click:errors.md].
func TestLoginRequestAndRefusal(t *testing.T) {
	c, mux := setup(t)
	got := capture(t, mux, RouteLogin, 200, `{"jwtToken":"EXAMPLE_TOKEN","challenge":0,"session":""}`)
	res, err := c.Login(t.Context(), LoginRequest{Username: "user@example.com", Password: "p@ssw0rd", Type: DesktopAdmin})
	if err != nil || res.JWTToken != "EXAMPLE_TOKEN" || res.Challenge != ChallengeNone {
		t.Fatalf("login: %+v, %v", res, err)
	}
	r := (*got)[0]
	if r.method != "POST" || r.query.Has(TokenParam) || len(r.query) != 0 {
		t.Errorf("login request %s %s?%s: want a POST with no query", r.method, r.path, r.query.Encode())
	}
	if k := jsonKeys(t, r.body); !slices.Equal(k, []string{"password", "type", "username"}) {
		t.Errorf("login body keys %v", k)
	}
	if !strings.Contains(r.body, `"type":16`) {
		t.Errorf("login body %s: want type 16", r.body)
	}

	for _, tt := range []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"401", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(401) }},
		{"499 AUTH (Web twin)", func(w http.ResponseWriter, r *http.Request) { problem(w, CodeAuth, "bad credentials") }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, mux := setup(t)
			mux.HandleFunc(RouteLogin, tt.handler)
			_, err := c.Login(t.Context(), LoginRequest{Username: "u", Password: "p", Type: DesktopAdmin})
			if !errors.Is(err, ErrLoginRefused) || errors.Is(err, ErrUnauthorized) {
				t.Fatalf("err = %v; want ErrLoginRefused, not ErrUnauthorized", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "login refused: check the username, password and --type") || strings.Contains(msg, "token rejected") {
				t.Errorf("message %q", msg)
			}
		})
	}
	// A 401 elsewhere is still an expired token.
	c2, mux2 := setup(t)
	mux2.HandleFunc(RouteGroups, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(401) })
	if _, err := c2.ListUserGroups(t.Context(), ListOptions{}); !errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrLoginRefused) {
		t.Errorf("401 to a list: %v", err)
	}
}

// [click:authentication.md]: mfa_respond posts {userCode, session}; a wrong
// code is 499 TOTP [web:authentication.md], and the session may be
// answered again.
func TestMFARespondRequestAndWrongCode(t *testing.T) {
	c, mux := setup(t)
	var calls atomic.Int32
	var bodies []string
	mux.HandleFunc("POST "+RouteMFARespond, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		if r.URL.RawQuery != "" {
			t.Errorf("mfa_respond query %q: want none", r.URL.RawQuery)
		}
		if calls.Add(1) == 1 {
			problem(w, CodeTOTP, "The code is not valid.")
			return
		}
		io.WriteString(w, `{"jwtToken":"jwt-2","challenge":0,"session":""}`)
	})
	_, err := c.MFARespond(t.Context(), MFARequest{UserCode: "000000", Session: "EXAMPLE_SESSION"})
	if !errors.Is(err, ErrWrongCode) {
		t.Fatalf("wrong code: %v, want ErrWrongCode", err)
	}
	res, err := c.MFARespond(t.Context(), MFARequest{UserCode: "123456", Session: "EXAMPLE_SESSION"})
	if err != nil || res.JWTToken != "jwt-2" {
		t.Fatalf("right code: %+v, %v", res, err)
	}
	if k := jsonKeys(t, bodies[1]); !slices.Equal(k, []string{"session", "userCode"}) || !strings.Contains(bodies[1], `"userCode":"123456"`) {
		t.Errorf("mfa_respond body %s", bodies[1])
	}
	if calls.Load() != 2 {
		t.Errorf("%d calls: a 499 must not be resent", calls.Load())
	}
}

// [click:authentication.md]: logout posts {jwtToken} with no token
// parameter and gets 200 with no body; the token never shows in an error.
func TestLogoutRequest(t *testing.T) {
	c, mux := setup(t)
	got := capture(t, mux, RouteLogout, 200, "")
	if err := c.Logout(t.Context(), "jwt-to-end-0123"); err != nil {
		t.Fatal(err)
	}
	r := (*got)[0]
	if r.method != "POST" || len(r.query) != 0 || r.body != `{"jwtToken":"jwt-to-end-0123"}` {
		t.Errorf("logout request %s ?%s %s", r.method, r.query.Encode(), r.body)
	}
	c2, mux2 := setup(t)
	mux2.HandleFunc(RouteLogout, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(418)
		io.WriteString(w, `{"echo":"jwt-to-end-0123"}`)
	})
	err := c2.Logout(t.Context(), "jwt-to-end-0123")
	if err == nil || strings.Contains(err.Error(), "jwt-to-end-0123") || !strings.Contains(err.Error(), "418") {
		t.Errorf("logout error %v: want the status and no token", err)
	}
}

// [click:authentication.md]: GET /authentication/user?token= answers
// UserInfo; its jwtToken is the caller's token, which never prints. The
// Web twin's firstname/lastname casing decodes too [web:user.md].
func TestWhoAmI(t *testing.T) {
	for _, casing := range []string{`"firstName":"Jane","lastName":"Doe"`, `"firstname":"Jane","lastname":"Doe"`} {
		c, mux := setup(t)
		got := capture(t, mux, RouteWhoAmI, 200, `{"accountName":"Example Org","accountId":"00000000-0000-0000-0000-000000000001",
			"userId":"00000000-0000-0000-0000-000000000002",`+casing+`,"username":"user@example.com","userType":16,
			"jwtToken":"`+testToken+`","owner":true,"migration":false,"subscriptionType":1,"mfa":false,"authProvider":0}`)
		u, err := c.WhoAmI(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		r := (*got)[0]
		if r.method != "GET" || r.query.Get(TokenParam) != testToken {
			t.Errorf("request %s ?%s: want GET with the token", r.method, Redact(r.query.Encode()))
		}
		want := UserInfo{AccountName: "Example Org", AccountID: "00000000-0000-0000-0000-000000000001", UserID: "00000000-0000-0000-0000-000000000002",
			FirstName: "Jane", LastName: "Doe", Username: "user@example.com", UserType: UserTypeDesktopAdmin, JWTToken: testToken,
			Owner: true, SubscriptionType: 1}
		if *u != want {
			t.Errorf("decoded %+v\nwant    %+v", *u, want)
		}
		if u.JWTToken.Reveal() != testToken {
			t.Error("Reveal lost the token")
		}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X"} {
			if out := fmt.Sprintf(verb, *u); strings.Contains(out, testToken) || strings.Contains(out, fmt.Sprintf("%x", testToken)) {
				t.Errorf("%s prints the token: %s", verb, out)
			}
		}
		for _, h := range []func(io.Writer) slog.Handler{
			func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) },
			func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
		} {
			var buf strings.Builder
			slog.New(h(&buf)).Info("who", "user", *u, "ptr", u)
			if out := buf.String(); strings.Contains(out, testToken) || !strings.Contains(out, "REDACTED") || !strings.Contains(out, "Example Org") {
				t.Errorf("logged UserInfo: %s", out)
			}
		}
	}
}

// [click:management.md]: agent_status answers a bare integer; the client
// also takes "1" and {"status": 1} (I14), names the five states, and
// rejects an answer with no number.
func TestAgentStatusShapes(t *testing.T) {
	for body, want := range map[string]AgentStatus{"1": AgentStarted, `"1"`: AgentStarted, `{"status": 4}`: AgentPaused,
		`{"status":"8"}`: AgentDisposed, " 0\n": AgentCreated, "2": AgentStopped} {
		c, mux := setup(t)
		got := capture(t, mux, RouteAgentStatus, 200, body)
		st, err := c.AgentStatus(t.Context())
		if err != nil || st != want {
			t.Errorf("%q: %v, %v; want %v", body, st, err, want)
		}
		if r := (*got)[0]; r.method != "GET" || r.query.Has(TokenParam) {
			t.Errorf("agent_status request %s ?%s: want GET without a token", r.method, Redact(r.query.Encode()))
		}
	}
	names := map[AgentStatus]string{0: "Created", 1: "Started", 2: "Stopped", 4: "Paused", 8: "Disposed", 3: "state 3"}
	for st, name := range names {
		if st.String() != name {
			t.Errorf("AgentStatus(%d) = %q, want %q", int(st), st.String(), name)
		}
	}
	for _, body := range []string{`"up"`, `{"state":1}`, `true`, `{"status":{"x":1}}`} {
		c, mux := setup(t)
		capture(t, mux, RouteAgentStatus, 200, body)
		if _, err := c.AgentStatus(t.Context()); !errors.Is(err, ErrBadResponse) {
			t.Errorf("%s: %v, want ErrBadResponse", body, err)
		}
	}
}

// [click:user.md]: the user list filters are userStatus and userType
// (camelCase), sent only when the script filters; All has no number, so
// the client omits userType for it (I21).
func TestListUsersQuery(t *testing.T) {
	c, mux := setup(t)
	got := capture(t, mux, RouteUsers, 200, `{"data":[],"total":0,"options":{"page":1,"pageSize":50}}`)
	ctx := t.Context()
	c.ListUsers(ctx, ListOptions{})
	c.ListUsers(ctx, ListOptions{UserStatus: UserActive | UserPending, UserType: UserTypeDesktopAdmin | UserTypeDesktopStandardUser, Username: "ada"})
	c.ListUsers(ctx, ListOptions{UserStatus: UserStatusAll, UserType: UserTypeAll})
	q := func(i int) string {
		v := (*got)[i].query
		v.Del(TokenParam)
		return v.Encode()
	}
	for i, want := range []string{"", "userStatus=5&userType=80&username=ada", "userStatus=7"} {
		if q(i) != want {
			t.Errorf("request %d query %q, want %q", i+1, q(i), want)
		}
	}
}

// [click:usergroup.md] [web:usergroup.md]: the import body carries the
// union of both samples: username, email (the username when not given),
// userType (DesktopStandardUser when not given, I19), firstName, lastName;
// each group with its name, and its id when known (I20).
func TestImportUsersBody(t *testing.T) {
	c, mux := setup(t)
	got := capture(t, mux, RouteImportUsers, 200, "")
	err := c.ImportUsers(t.Context(), []UserUserGroupRelation{
		{User: ImportUser{Username: "ada@example.com", FirstName: "Ada", LastName: "Lovelace"},
			UserGroups: []GroupRef{{ID: "11111111-1111-1111-1111-111111111111", Name: "Design Team"}}},
		{User: ImportUser{Username: "bob@example.com", Email: "bob@mail.example.com", UserType: UserTypeDesktopCreativeUser},
			UserGroups: []GroupRef{{Name: "Engineering"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"user":{"username":"ada@example.com","email":"ada@example.com","userType":64,"firstName":"Ada","lastName":"Lovelace"},` +
		`"userGroups":[{"id":"11111111-1111-1111-1111-111111111111","name":"Design Team"}]},` +
		`{"user":{"username":"bob@example.com","email":"bob@mail.example.com","userType":32},"userGroups":[{"name":"Engineering"}]}]`
	if body := (*got)[0].body; body != want {
		t.Errorf("import body\n%s\nwant\n%s", body, want)
	}
}

// [web:usergroup.md]: without an active subscription import_users answers
// 402 before any work: a clear error, not retried.
func TestImportUsers402(t *testing.T) {
	for _, body := range []string{"", `{"type":"COST","status":402,"errors":{"COST":["No active subscription."]}}`} {
		c, mux := setup(t)
		got := capture(t, mux, RouteImportUsers, 402, body)
		err := c.ImportUsers(t.Context(), []UserUserGroupRelation{{User: ImportUser{Username: "a@x"}, UserGroups: []GroupRef{{Name: "G"}}}})
		if !errors.Is(err, ErrPaymentRequired) || !strings.Contains(err.Error(), "402 Payment Required: no active subscription") {
			t.Errorf("body %q: %v", body, err)
		}
		if len(*got) != 1 {
			t.Errorf("402 sent %d times, want once", len(*got))
		}
	}
}

// [click:errors.md] [web:errors.md]: the generic code is DEFAULT, which a
// 499 with neither body nor header also gets; any other status names its
// status and the path, with a short, scrubbed, escaped excerpt of the body.
func TestErrorShapes(t *testing.T) {
	c, mux := setup(t)
	mux.HandleFunc(RouteGroups, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(499) })
	_, err := c.ListUserGroups(t.Context(), ListOptions{})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Type != CodeDefault || !strings.Contains(err.Error(), "499 DEFAULT (no body)") {
		t.Errorf("bare 499: %v", err)
	}

	c, mux = setup(t)
	mux.HandleFunc(RouteGroups, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(418)
		io.WriteString(w, "teapot\x1b[31m says\x00 no to token="+testToken+" "+strings.Repeat("x", 500))
	})
	_, err = c.ListUserGroups(t.Context(), ListOptions{})
	msg := err.Error()
	for _, want := range []string{"GET /usergroup/get_all: 418 I'm a teapot: unexpected text/plain body:", `\x1b[31m`, `\x00`, "token=REDACTED", "..."} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q: %s", want, msg)
		}
	}
	if strings.Contains(msg, testToken) || strings.ContainsAny(msg, "\x1b\x00") || len(msg) > 300 {
		t.Errorf("error not scrubbed, escaped or short (%d bytes): %s", len(msg), msg)
	}

	// I24: an unknown route is a compatibility problem, said so.
	c, _ = setup(t)
	_, err = c.WhoAmI(t.Context())
	if !strings.Contains(fmt.Sprint(err), "404 Not Found") || !strings.Contains(fmt.Sprint(err), "does not serve this route") {
		t.Errorf("404: %v", err)
	}
}

// [web:errors.md]: the client knows the whole code list, once each.
func TestErrorCodesComplete(t *testing.T) {
	want := []string{"DEFAULT", "AUTH", "INACTIVE_USER", "TOKEN", "SESSION", "SESSION_MAXOUT", "SECURITY", "ACCESS", "NOT_FOUND",
		"COGNITO", "TOTP", "TRANSFER", "TRANSFER_C2C", "SYNC", "COST", "DUPLICATE", "PENDING", "DB_DELETE", "DB_INSERT",
		"DB_UPDATE", "DOWNLOAD_OBJECT", "INVALID_EMAIL", "INTERNAL_ERROR", "CHECKSUM_MISMATCH", "FILESYSTEM_ACCESS",
		"BUCKET_LOGGING_SET", "BUCKET_LOGGING_DISABLED", "DISPOSED"}
	var got []string
	for _, c := range ErrorCodes() {
		if c.Meaning == "" {
			t.Errorf("%s has no meaning", c.Code)
		}
		got = append(got, c.Code)
	}
	if !slices.Equal(got, want) {
		t.Errorf("codes\n%v\nwant\n%v", got, want)
	}
}

// hangUp answers by closing the connection without a word: the request
// may or may not have been applied.
func hangUp(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

// truncate answers 200 with a body cut short.
func truncate(w http.ResponseWriter, body string) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:len(body)/2])
	buf.Flush()
	conn.Close()
}

// DESIGN rules and contract sections 7-9: assign_users and import_users
// are additive, so a connection reset after sending or a truncated answer
// is retried like a read; a resent delete or unassign answered NOT_FOUND
// counts as done (I11); a first NOT_FOUND is still an error.
func TestRetrySemanticsOfWrites(t *testing.T) {
	ctx := context.Background()
	t.Run("additive writes survive a reset", func(t *testing.T) {
		for _, route := range []string{RouteAssignUsers, RouteImportUsers, RouteUpdateGroup} {
			c, mux := setup(t)
			var calls atomic.Int32
			var bodies []string
			mux.HandleFunc(route, func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				bodies = append(bodies, string(b))
				if calls.Add(1) == 1 {
					hangUp(w)
					return
				}
				if route == RouteUpdateGroup {
					io.WriteString(w, `{"id":"x","name":"n"}`)
				}
			})
			var err error
			switch route {
			case RouteAssignUsers:
				err = c.AssignUsers(ctx, []UserUserGroup{{UserID: "u", UserGroupID: "g"}})
			case RouteImportUsers:
				err = c.ImportUsers(ctx, []UserUserGroupRelation{{User: ImportUser{Username: "a@x"}, UserGroups: []GroupRef{{Name: "G"}}}})
			default:
				_, err = c.UpdateUserGroup(ctx, UserGroupUpdate{ID: "x", Name: "n", Description: "d", Active: true})
			}
			if err != nil || calls.Load() != 2 || bodies[0] != bodies[1] {
				t.Errorf("%s after a reset: %v, %d calls, bodies %q", route, err, calls.Load(), bodies)
			}
		}
	})
	t.Run("a truncated answer is read again", func(t *testing.T) {
		c, mux := setup(t)
		var calls atomic.Int32
		const page = `{"data":[{"id":"g1","name":"A"}],"total":1,"options":{"page":1,"pageSize":50}}`
		mux.HandleFunc(RouteGroups, func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 1 {
				truncate(w, page)
				return
			}
			io.WriteString(w, page)
		})
		col, err := c.ListUserGroups(ctx, ListOptions{})
		if err != nil || len(col.Data) != 1 || calls.Load() != 2 {
			t.Errorf("%+v, %v after %d calls", col, err, calls.Load())
		}
	})
	t.Run("insert is not resent after a reset", func(t *testing.T) {
		c, mux := setup(t)
		var calls atomic.Int32
		mux.HandleFunc(RouteInsertGroup, func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			hangUp(w)
		})
		if _, err := c.InsertUserGroup(ctx, NewUserGroup{Name: "n"}); err == nil || calls.Load() != 1 {
			t.Errorf("insert: %v after %d calls; want an error after 1", err, calls.Load())
		}
	})
	for _, tt := range []struct {
		route string
		call  func(*Client) error
	}{
		{RouteDeleteGroup, func(c *Client) error { return c.DeleteUserGroup(ctx, "11111111-1111-1111-1111-111111111111") }},
		{RouteUnassignUser, func(c *Client) error { return c.UnassignUser(ctx, "11111111-1111-1111-1111-111111111111") }},
	} {
		t.Run(tt.route+" resent, then NOT_FOUND, is done", func(t *testing.T) {
			for _, first := range []string{"reset", "500", "503"} {
				c, mux := setup(t)
				var calls atomic.Int32
				mux.HandleFunc(tt.route, func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Query().Get("id") != "11111111-1111-1111-1111-111111111111" {
						t.Errorf("query %s", Redact(r.URL.RawQuery))
					}
					if calls.Add(1) > 1 {
						problem(w, CodeNotFound, "no such id")
						return
					}
					switch first {
					case "reset":
						hangUp(w)
					case "500":
						w.WriteHeader(500)
					default:
						w.WriteHeader(503)
					}
				})
				if err := tt.call(c); err != nil || calls.Load() != 2 {
					t.Errorf("after a %s: %v, %d calls; want done after 2", first, err, calls.Load())
				}
			}
			c, mux := setup(t)
			mux.HandleFunc(tt.route, func(w http.ResponseWriter, r *http.Request) { problem(w, CodeNotFound, "no such id") })
			if err := tt.call(c); !errors.Is(err, ErrNotFound) {
				t.Errorf("a first NOT_FOUND: %v, want ErrNotFound", err)
			}
		})
	}
}

// Tolerance (contract sections 3, 4, 11): a collection without options or
// with options.sort [web:index.md] [web:usergroup.md]; both namings of
// the user-details arrays [click:user.md] [web:user.md]; the drive under
// sharedClouDrive or sharedCloudDrive [web:userspermission.md].
func TestToleratedShapes(t *testing.T) {
	for _, body := range []string{
		`{"data":[{"id":"g1","name":"A"}],"total":1}`,
		`{"data":[{"id":"g1","name":"A"}],"total":1,"options":{"page":1,"pageSize":50,"sort":[{"field":"Name","descending":false}]}}`,
		`{"data":[{"id":"g1","name":"A"}],"total":1,"options":{"pageSize":0,"page":0}}`,
	} {
		c, mux := setup(t)
		capture(t, mux, RouteGroups, 200, body)
		all, err := c.UserGroups(t.Context(), ListOptions{}).All()
		if err != nil || len(all) != 1 || all[0].Name != "A" {
			t.Errorf("%s: %+v, %v", body, all, err)
		}
	}

	const drive = `{"id":"d1","name":"Team Drive","active":true}`
	click := `{"id":"u1","username":"ada@x","firstname":"Ada","userGroups":[{"userGroup":{"id":"g1","name":"G"},"userUserGroup":{"id":"m1","userId":"u1","userGroupId":"g1"}}],` +
		`"projects":[{"project":{"id":"p1","name":"P"},"permission":{"id":"x1","userId":"u1","projectId":"p1","permissionType":2}}],` +
		`"sharedCloudDrives":[{"sharedCloudDrive":` + drive + `,"permission":{"id":"x2","permissionType":1}}]}`
	web := `{"id":"u1","username":"ada@x","firstname":"Ada","groups":[{"user":{"id":"u1"},"userGroup":{"id":"g1","name":"G"},"userUserGroup":{"id":"m1","userId":"u1","userGroupId":"g1"}}],` +
		`"projectsData":[{"user":{"id":"u1"},"project":{"id":"p1","name":"P"},"permission":{"id":"x1","userId":"u1","projectId":"p1","permissionType":2}}],` +
		`"drivesData":[{"user":{"id":"u1"},"sharedClouDrive":` + drive + `,"permission":{"id":"x2","permissionType":1}}]}`
	for name, row := range map[string]string{"click": click, "web": web} {
		c, mux := setup(t)
		capture(t, mux, RouteUsersWithDetails, 200, `{"data":[`+row+`],"total":1,"options":{"page":1,"pageSize":50}}`)
		col, err := c.ListUsersWithDetails(t.Context(), ListOptions{})
		if err != nil || len(col.Data) != 1 {
			t.Fatalf("%s: %+v, %v", name, col, err)
		}
		u := col.Data[0]
		if u.Username != "ada@x" || u.Firstname != "Ada" || len(u.UserGroups) != 1 || u.UserGroups[0].UserGroup.Name != "G" ||
			u.UserGroups[0].UserUserGroup.ID != "m1" || len(u.Projects) != 1 || u.Projects[0].Project.Name != "P" ||
			u.Projects[0].Permission.PermissionType != PermissionReadWrite || len(u.SharedCloudDrives) != 1 ||
			u.SharedCloudDrives[0].SharedCloudDrive == nil || u.SharedCloudDrives[0].SharedCloudDrive.Name != "Team Drive" || u.SharedCloudDrives[0].Permission.PermissionType != PermissionRead {
			t.Errorf("%s naming decoded as %+v", name, u)
		}
	}
	for _, key := range []string{"sharedCloudDrive", "sharedClouDrive"} {
		var d DrivePermission
		if err := json.Unmarshal([]byte(`{"`+key+`":`+drive+`,"permission":{"id":"x","userGroupId":"g1","sharedCloudDriveId":"d1","permissionType":2}}`), &d); err != nil ||
			d.SharedCloudDrive == nil || d.SharedCloudDrive.ID != "d1" || d.Permission.SharedCloudDriveID != "d1" {
			t.Errorf("group drive row under %s: %+v, %v", key, d, err)
		}
	}
}

// The client talks to loopback only in tests: setup's server is one.
func TestSetupIsLoopback(t *testing.T) {
	c, _ := setup(t)
	u, _ := url.Parse(c.BaseURL())
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
		t.Errorf("test server at %s", c.BaseURL())
	}
}

// [click:index.md] [click:usergroup.md] [click:user.md]: every call is
// /<controller>/<action> with no /api/v1 prefix; protected calls carry the
// token as the token query parameter, never an Authorization header; the
// paging names are lowercase (page, pagesize, sortfield, descending) and
// the ids camelCase; delete and unassign take ?id=; update sends the whole
// group; assign sends an array of {userId, userGroupId}.
func TestRequestShapes(t *testing.T) {
	c, mux := setup(t)
	type seen struct {
		method, path, auth string
		query              url.Values
		body               string
	}
	var got []seen
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, seen{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.URL.Query(), string(b)})
		switch {
		case strings.Contains(r.URL.Path, "get_"):
			io.WriteString(w, `{"data":[],"total":0}`)
		case r.Method == "POST" && r.URL.Path == RouteInsertGroup, r.Method == "PUT":
			io.WriteString(w, `{"id":"g1","name":"n"}`)
		}
	})
	ctx := t.Context()
	list := ListOptions{Page: 2, PageSize: 10, SortField: "Name", Descending: true, Name: "des", Username: "ada"}
	c.ListUserGroups(ctx, list)
	c.ListUserGroupsWithDetails(ctx, list)
	c.ListAssignedUsers(ctx, "g1", list)
	c.ListAssignedUserGroups(ctx, "u1", list)
	c.ListUsers(ctx, list)
	c.InsertUserGroup(ctx, NewUserGroup{Name: "n", Description: "d", Active: true})
	c.UpdateUserGroup(ctx, UserGroupUpdate{ID: "g1", Name: "n", Description: "", Active: false})
	c.DeleteUserGroup(ctx, "g1")
	c.AssignUsers(ctx, []UserUserGroup{{UserID: "u1", UserGroupID: "g1"}})
	c.UnassignUser(ctx, "m1")
	want := []struct{ method, path, query, body string }{
		{"GET", RouteGroups, "descending=true&name=des&page=2&pagesize=10&sortfield=Name", ""},
		{"GET", RouteGroupsWithDetails, "descending=true&name=des&page=2&pagesize=10&sortfield=Name", ""},
		{"GET", RouteAssignedUsers, "descending=true&page=2&pagesize=10&sortfield=Name&userGroupId=g1&username=ada", ""},
		{"GET", RouteAssignedUserGroups, "descending=true&name=des&page=2&pagesize=10&sortfield=Name&userId=u1", ""},
		{"GET", RouteUsers, "descending=true&page=2&pagesize=10&sortfield=Name&username=ada", ""},
		{"POST", RouteInsertGroup, "", `{"name":"n","description":"d","active":true}`},
		{"PUT", RouteUpdateGroup, "", `{"id":"g1","name":"n","description":"","active":false}`},
		{"DELETE", RouteDeleteGroup, "id=g1", ""},
		{"POST", RouteAssignUsers, "", `[{"userId":"u1","userGroupId":"g1"}]`},
		{"DELETE", RouteUnassignUser, "id=m1", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("%d requests, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.query.Get(TokenParam) != testToken || g.auth != "" {
			t.Errorf("%s %s: token %q in the query, Authorization %q", g.method, g.path, Redact("token="+g.query.Get(TokenParam)), g.auth)
		}
		g.query.Del(TokenParam)
		if g.method != w.method || g.path != w.path || g.query.Encode() != w.query || g.body != w.body || strings.HasPrefix(g.path, "/api/") {
			t.Errorf("request %d: %s %s?%s %s\nwant        %s %s?%s %s", i+1, g.method, g.path, g.query.Encode(), g.body, w.method, w.path, w.query, w.body)
		}
	}
}
