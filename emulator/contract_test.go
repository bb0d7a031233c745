package emulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestFoundFacts reads the emulator's raw answers for each FOUND fact of
// the wire contract it relies on; each subtest names its vendor page.
func TestFoundFacts(t *testing.T) {
	e := demoEmu(t)
	fin := groupNamed(t, e, "Finance")
	ada := userNamed(t, e, "ada.lovelace@example.com")
	firstKeys := func(t *testing.T, body []byte, keys ...string) {
		t.Helper()
		var c struct{ Data []json.RawMessage }
		if err := json.Unmarshal(body, &c); err != nil || len(c.Data) == 0 {
			t.Fatalf("no rows in %s (%v)", body, err)
		}
		wantKeys(t, c.Data[0], keys...)
	}
	sortOf := func(t *testing.T, path string) apiSort {
		t.Helper()
		var c struct{ Options apiOptions }
		a := call(t, e, "GET", path, "")
		if err := json.Unmarshal(a.body, &c); err != nil || len(c.Options.Sort) != 1 || c.Options.Page != 1 || c.Options.PageSize != defaultPageSize {
			t.Fatalf("%s: options of %s (%v)", path, a.body, err)
		}
		return c.Options.Sort[0]
	}
	groupKeys := []string{"id", "accountId", "name", "description", "active", "deleted"}
	userKeys := []string{"id", "firstname", "lastname", "username", "email", "userType", "status", "owner", "mfa", "createDate"}

	t.Run("click:management.md agent_status is a bare integer, no token", func(t *testing.T) {
		a := raw(t, e, "GET", routeAgentStatus, "")
		if a.status != http.StatusOK || string(a.body) != "1" {
			t.Fatalf("got %d %q", a.status, a.body)
		}
	})
	t.Run("click:index.md the token is a query parameter, never a header", func(t *testing.T) {
		req := httptest.NewRequest("GET", routeGroups, nil)
		req.Header.Set("Authorization", "Bearer "+e.Token())
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("a Bearer header got %d", rec.Code)
		}
	})
	t.Run("click:errors.md 401 for a bad token; 499 body and error-code header", func(t *testing.T) {
		wantUnauthorized(t, raw(t, e, "GET", withToken(routeGroups, "nope"), ""))
		a := call(t, e, "POST", routeInsertGroup, `{"name":"finance"}`)
		wantProblem(t, a, codeDuplicate, msgDuplicateName)
		wantKeys(t, a.body, "type", "status", "errors")
	})
	t.Run("click:usergroup.md UserGroup keys; get_all sorts by Name ascending", func(t *testing.T) {
		firstKeys(t, call(t, e, "GET", routeGroups, "").body, groupKeys...)
		wantKeys(t, call(t, e, "GET", routeGroups, "").body, "data", "total", "options")
		if s := sortOf(t, routeGroups); s != (apiSort{"Name", false}) {
			t.Errorf("sort %+v", s)
		}
	})
	t.Run("click:user.md User keys; get_all_users sorts by CreateDate descending", func(t *testing.T) {
		firstKeys(t, call(t, e, "GET", routeUsers, "").body, userKeys...)
		if s := sortOf(t, routeUsers); s != (apiSort{"CreateDate", true}) {
			t.Errorf("sort %+v", s)
		}
	})
	t.Run("web:index.md options hold page, pageSize and sort", func(t *testing.T) {
		var c struct{ Options json.RawMessage }
		if err := json.Unmarshal(call(t, e, "GET", routeGroups, "").body, &c); err != nil {
			t.Fatal(err)
		}
		wantKeys(t, c.Options, "page", "pageSize", "sort")
	})
	t.Run("click:usergroup.md member lists: User.Username and UserGroup.Name ascending", func(t *testing.T) {
		if s := sortOf(t, routeAssignedUsers+"?userGroupId="+fin.ID); s != (apiSort{"User.Username", false}) {
			t.Errorf("get_assigned_users sort %+v", s)
		}
		if s := sortOf(t, routeAssignedUserGroups+"?userId="+ada.ID); s != (apiSort{"UserGroup.Name", false}) {
			t.Errorf("get_assigned_usergroups sort %+v", s)
		}
	})
	t.Run("web:user.md UserUserGroupDTO keys", func(t *testing.T) {
		firstKeys(t, call(t, e, "GET", routeAssignedUsers+"?userGroupId="+fin.ID, "").body, "user", "userGroup", "userUserGroup")
		var c apiCollection[struct{ UserUserGroup json.RawMessage }]
		if err := json.Unmarshal(call(t, e, "GET", routeAssignedUsers+"?userGroupId="+fin.ID, "").body, &c); err != nil {
			t.Fatal(err)
		}
		wantKeys(t, c.Data[0].UserUserGroup, "id", "userId", "userGroupId")
	})
	t.Run("web:usergroup.md group details keys", func(t *testing.T) {
		firstKeys(t, call(t, e, "GET", routeGroupsWithDetails+"?name=finance", "").body,
			"id", "name", "description", "active", "projectsData", "usersData", "drivesData")
	})
	t.Run("click:authentication.md login, user and logout", func(t *testing.T) {
		a := raw(t, e, "POST", routeLogin, `{"username":"admin@example.com","password":"admin","type":16}`)
		wantKeys(t, a.body, "jwtToken", "challenge", "session")
		tok := decode[apiLogin](t, a).JWTToken
		wantKeys(t, raw(t, e, "GET", withToken(routeUserInfo, tok), "").body, "accountName", "accountId", "userId", "firstName",
			"lastName", "username", "userType", "jwtToken", "owner", "migration", "subscriptionType", "mfa", "authProvider")
		wantOK(t, raw(t, e, "POST", routeLogout, `{"jwtToken":"`+tok+`"}`))
	})
	t.Run("web:usergroup.md writes without an answer are empty 200s", func(t *testing.T) {
		g := decode[apiGroup](t, call(t, e, "POST", routeInsertGroup, `{"name":"Facts","description":"","active":true}`))
		wantOK(t, call(t, e, "POST", routeAssignUsers, `[{"userId":"`+ada.ID+`","userGroupId":"`+g.ID+`"}]`))
		wantOK(t, call(t, e, "POST", routeImportUsers, `[{"user":{"username":"facts@example.com"},"userGroups":[{"name":"Facts"}]}]`))
		m := memberRows(t, e, g.ID, "username=ada")
		wantOK(t, call(t, e, "DELETE", routeUnassignUser+"?id="+m.Data[0].UserUserGroup.ID, ""))
		wantOK(t, call(t, e, "DELETE", routeDeleteGroup+"?id="+g.ID, ""))
	})
}
