package emulator

import (
	"fmt"
	"maps"
	"reflect"
	"strings"
	"testing"
)

func TestInsertUser(t *testing.T) {
	e := demoEmu(t)
	before := e.Stats()
	a := call(t, e, "POST", routeInsertUser, `{"firstname":"Jane","lastname":"Doe","username":"jane.doe@example.com","email":"jane.doe@example.com","userType":32}`)
	u := decode[apiUser](t, a)
	if u.ID == "" || u.Firstname != "Jane" || u.Lastname != "Doe" || u.Username != "jane.doe@example.com" ||
		u.UserType != 32 || u.Status != userPending || u.Owner || u.MFA || u.CreateDate == "" {
		t.Fatalf("inserted %+v", u)
	}
	if got := userNamed(t, e, "jane.doe@example.com"); got != u {
		t.Fatalf("listed %+v, want %+v", got, u)
	}
	if s := e.Stats(); s.Users != before.Users+1 {
		t.Fatalf("users %d -> %d", before.Users, s.Users)
	}
	// Keys bind ignoring case (I3); email and userType have defaults.
	v := decode[apiUser](t, call(t, e, "POST", routeInsertUser, `{"firstName":"Vic","LastName":"Tor","username":"vic@example.com"}`))
	if v.Firstname != "Vic" || v.Lastname != "Tor" || v.Email != "vic@example.com" || v.UserType != insertedUserType {
		t.Fatalf("defaults %+v", v)
	}

	invalid := invalidf("").code
	long := strings.Repeat("x", 51)
	for _, tc := range []struct{ body, code, msg string }{
		{`{"username":"JANE.DOE@example.com"}`, codeDuplicate, `username: "JANE.DOE@example.com" is taken by user ` + u.ID},
		{`{"username":"not-an-address"}`, codeInvalidEmail, `username: "not-an-address" is not an email address`},
		{`{"username":"ok@example.com","email":"Jane <j@example.com>"}`, codeInvalidEmail, "email: "},
		{`{"username":""}`, invalid, "username: required"},
		{`{"username":"x@example.com","firstname":"` + long + `"}`, invalid, "firstname: at most 50 characters (got 51)"},
		{`{"username":"` + long + `@example.com"}`, invalid, "username: at most 50 characters"},
		{`{"username":"x@example.com","userType":3}`, invalid, "userType: 3 is not one of"},
		{`{"username":"x@example.com","userType":"admin"}`, invalid, "userType: expected a number"},
		{`[]`, invalid, "body: "},
	} {
		wantProblem(t, call(t, e, "POST", routeInsertUser, tc.body), tc.code, tc.msg)
	}
	if s := e.Stats(); s.Users != before.Users+2 {
		t.Fatalf("refused inserts changed the users: %d", s.Users)
	}
}

func TestEditUser(t *testing.T) {
	e := demoEmu(t)
	ada := userNamed(t, e, demoAda)
	// A read-modify-write of the whole user: server fields are ignored.
	full := ada
	full.Firstname, full.UserType, full.Status, full.MFA, full.CreateDate = "Augusta Ada", 32, userInactive, true, "1999-01-01T00:00:00Z"
	got := decode[apiUser](t, call(t, e, "PUT", routeEditUser, mustJSON(t, full)))
	want := ada
	want.Firstname, want.UserType = "Augusta Ada", 32
	if got != want {
		t.Fatalf("edited %+v, want %+v", got, want)
	}
	if listed := userNamed(t, e, demoAda); listed != want {
		t.Fatalf("listed %+v", listed)
	}
	// Omitted fields keep their values.
	got = decode[apiUser](t, call(t, e, "PUT", routeEditUser, fmt.Sprintf(`{"id":%q,"lastname":"King"}`, ada.ID)))
	want.Lastname = "King"
	if got != want {
		t.Fatalf("partial edit %+v, want %+v", got, want)
	}
	// Her memberships are untouched by edits.
	if rows := groupRows(t, e, ada.ID, ""); rows.Total != 2 {
		t.Fatalf("ada's groups after edits: %d", rows.Total)
	}

	admin := userNamed(t, e, defaultUsername)
	invalid := invalidf("").code
	for _, tc := range []struct{ body, code, msg string }{
		{fmt.Sprintf(`{"id":%q,"username":"ada@example.com"}`, ada.ID), invalid, `username: cannot change ("ada.lovelace@example.com" to "ada@example.com")`},
		{fmt.Sprintf(`{"id":%q,"userType":32}`, admin.ID), invalid, "userType: the account owner's type cannot change"},
		{fmt.Sprintf(`{"id":%q,"email":"nope"}`, ada.ID), codeInvalidEmail, `email: "nope" is not an email address`},
		{fmt.Sprintf(`{"id":%q,"userType":5}`, ada.ID), invalid, "userType: 5 is not one of"},
		{`{"id":"99999999-9999-4999-8999-999999999999"}`, codeNotFound, "id: no user 99999999-9999-4999-8999-999999999999"},
		{`{"firstname":"x"}`, invalid, "id: required"},
	} {
		wantProblem(t, call(t, e, "PUT", routeEditUser, tc.body), tc.code, tc.msg)
	}
	// The username's case alone is no change, and the owner may keep its type.
	decode[apiUser](t, call(t, e, "PUT", routeEditUser, fmt.Sprintf(`{"id":%q,"username":"ADA.LOVELACE@example.com"}`, ada.ID)))
	decode[apiUser](t, call(t, e, "PUT", routeEditUser, mustJSON(t, admin)))
	if listed := userNamed(t, e, demoAda); listed != want {
		t.Fatalf("after refused edits %+v, want %+v", listed, want)
	}
}

func TestDeleteUser(t *testing.T) {
	e := demoEmu(t)
	grace := userNamed(t, e, demoGrace)
	groups := groupRows(t, e, grace.ID, "")
	before := e.Stats()
	wantOK(t, call(t, e, "DELETE", routeDeleteUser+"?id="+grace.ID, ""))
	if s := e.Stats(); s.Users != before.Users-1 || s.Memberships != before.Memberships-groups.Total {
		t.Fatalf("stats %+v -> %+v (grace was in %d groups)", before, s, groups.Total)
	}
	for _, g := range groups.Data {
		for _, m := range memberRows(t, e, g.UserGroup.ID, "username=grace").Data {
			if m.User.ID == grace.ID {
				t.Fatalf("a deleted user is still a member of %s", g.UserGroup.Name)
			}
		}
	}
	podcast := projectNamed(t, e, "Podcast Season 3")
	users, _ := permPage[userProjectRow](t, e, routeUsersOfProject, urlValues("projectId", podcast.ID))
	if len(users) != 0 {
		t.Fatalf("a deleted user's permission is listed: %+v", users)
	}
	wantProblem(t, call(t, e, "GET", routeProjectsOfUser+"?userId="+grace.ID, ""), codeNotFound)
	wantProblem(t, call(t, e, "DELETE", routeDeleteUser+"?id="+grace.ID, ""), codeNotFound, "id: no user "+grace.ID)
	wantProblem(t, call(t, e, "PUT", routeEditUser, fmt.Sprintf(`{"id":%q}`, grace.ID)), codeNotFound)
	admin := userNamed(t, e, defaultUsername)
	wantProblem(t, call(t, e, "DELETE", routeDeleteUser+"?id="+admin.ID, ""), invalidf("").code, "is the account owner and cannot be deleted")
	// Her username is free again.
	decode[apiUser](t, call(t, e, "POST", routeInsertUser, `{"username":"`+demoGrace+`"}`))
}

func TestUserDetails(t *testing.T) {
	e := demoEmu(t)
	page := decode[apiCollection[userDetailsRow]](t, call(t, e, "GET", routeUsersWithDetails+"?username=ada.lovelace", ""))
	if page.Total != 1 || len(page.Data) != 1 {
		t.Fatalf("ada's details: %+v", page)
	}
	ada := page.Data[0]
	if ada.apiUser != userNamed(t, e, demoAda) {
		t.Fatalf("base fields %+v", ada.apiUser)
	}
	var groups []string
	for _, g := range ada.UserGroups {
		groups = append(groups, g.UserGroup.Name)
		if g.User.ID != ada.ID || g.UserUserGroup.UserID != ada.ID || g.UserUserGroup.UserGroupID != g.UserGroup.ID {
			t.Errorf("group row %+v", g)
		}
	}
	if strings.Join(groups, ",") != "Editorial,Training" {
		t.Errorf("ada's groups %q", groups)
	}
	if got := projectLevels(ada.Projects); !maps.Equal(got, map[string]int{"Brand Refresh": levelReadWrite, "Trailer Cut": levelRead}) {
		t.Errorf("ada's projects %v", got)
	}
	if len(ada.SharedCloudDrives) != 0 {
		t.Errorf("ada's drives %+v", ada.SharedCloudDrives)
	}
	// The raw keys: Click names, the drive row with the vendor's typo.
	a := call(t, e, "GET", routeUsersWithDetails+"?username=grace.hopper", "")
	for _, key := range []string{`"userGroups":[`, `"projects":[`, `"sharedCloudDrives":[{"user":`, `"sharedClouDrive":{`, `"firstname":"Grace"`} {
		if !strings.Contains(string(a.body), key) {
			t.Errorf("grace's details lack %s: %s", key, a.body)
		}
	}
	// The page is get_all_users' page: same users, same order, same total.
	users := decode[apiCollection[apiUser]](t, call(t, e, "GET", routeUsers+"?pagesize=7&page=3", ""))
	details := decode[apiCollection[userDetailsRow]](t, call(t, e, "GET", routeUsersWithDetails+"?pagesize=7&page=3", ""))
	if details.Total != users.Total || !reflect.DeepEqual(details.Options, users.Options) || len(details.Data) != len(users.Data) {
		t.Fatalf("details page %d/%d, users page %d/%d", len(details.Data), details.Total, len(users.Data), users.Total)
	}
	for i := range users.Data {
		if details.Data[i].apiUser != users.Data[i] || details.Data[i].UserGroups == nil || details.Data[i].Projects == nil {
			t.Errorf("row %d: %+v vs %+v", i, details.Data[i].apiUser, users.Data[i])
		}
	}
	wantProblem(t, call(t, e, "GET", routeUsersWithDetails+"?sortfield=Nope", ""), invalidf("").code, "sortfield")
}
