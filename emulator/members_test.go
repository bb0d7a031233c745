package emulator

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/clickscript/clickscript/clickapi"
)

// memberRows fetches one page of get_assigned_users.
func memberRows(t testing.TB, e *Emulator, groupID, query string) clickapi.Collection[clickapi.UserUserGroupDTO] {
	t.Helper()
	return decode[clickapi.Collection[clickapi.UserUserGroupDTO]](t,
		call(t, e, "GET", clickapi.RouteAssignedUsers+"?userGroupId="+groupID+"&"+query, ""))
}

// groupRows fetches one page of get_assigned_usergroups.
func groupRows(t testing.TB, e *Emulator, userID, query string) clickapi.Collection[clickapi.UserUserGroupDTO] {
	t.Helper()
	return decode[clickapi.Collection[clickapi.UserUserGroupDTO]](t,
		call(t, e, "GET", clickapi.RouteAssignedUserGroups+"?userId="+userID+"&"+query, ""))
}

// usernames lists the usernames of rows.
func usernames(rows []clickapi.UserUserGroupDTO) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.User.Username
	}
	return out
}

// groupNames lists the group names of rows.
func groupNames(rows []clickapi.UserUserGroupDTO) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.UserGroup.Name
	}
	return out
}

func TestAssignedUsers(t *testing.T) {
	e := demoEmu(t)
	g := groupNamed(t, e, "Post Production")
	all := memberRows(t, e, g.ID, "pagesize=1000")
	if all.Total < 5 || len(all.Data) != all.Total {
		t.Fatalf("post production has %d members (%d rows)", all.Total, len(all.Data))
	}
	for _, r := range all.Data {
		if r.User == nil || r.UserGroup == nil || r.UserUserGroup == nil ||
			r.UserGroup.ID != g.ID || r.UserUserGroup.UserGroupID != g.ID || r.UserUserGroup.UserID != r.User.ID || r.UserUserGroup.ID == "" {
			t.Fatalf("row %+v", r)
		}
		if r.User.Username == "former.employee@example.com" {
			t.Errorf("deleted user listed")
		}
	}
	names := usernames(all.Data)
	if !slices.IsSorted(names) {
		t.Errorf("default order is not by username: %q", names)
	}
	rev := slices.Clone(names)
	slices.Reverse(rev)
	if got := usernames(memberRows(t, e, g.ID, "descending=true&pagesize=1000").Data); !slices.Equal(got, rev) {
		t.Errorf("descending %q, want %q", got, rev)
	}
	if got := memberRows(t, e, g.ID, "pagesize=2&page=2"); !slices.Equal(usernames(got.Data), names[2:4]) || got.Total != all.Total {
		t.Errorf("page 2: %q of %d", usernames(got.Data), got.Total)
	}
	if got := memberRows(t, e, g.ID, "page=999"); len(got.Data) != 0 || got.Total != all.Total {
		t.Errorf("page past the end: %d rows of %d", len(got.Data), got.Total)
	}
	first := names[0]
	needle := strings.ToUpper(first[:strings.Index(first, "@")])
	filtered := memberRows(t, e, g.ID, "username="+needle)
	if filtered.Total != 1 || filtered.Data[0].User.Username != first {
		t.Errorf("filter %q: %q", needle, usernames(filtered.Data))
	}
	for _, sort := range clickapi.MemberSortFields() {
		c := memberRows(t, e, g.ID, "pagesize=1000&sortfield="+sort)
		if c.Total != all.Total {
			t.Errorf("sort %s: total %d", sort, c.Total)
		}
	}
	byCreate := memberRows(t, e, g.ID, "pagesize=1000&sortfield=User.CreateDate")
	if !slices.IsSortedFunc(byCreate.Data, func(a, b clickapi.UserUserGroupDTO) int {
		return strings.Compare(a.User.CreateDate, b.User.CreateDate)
	}) {
		t.Errorf("User.CreateDate order: %q", usernames(byCreate.Data))
	}
	byEmail := memberRows(t, e, g.ID, "pagesize=1000&sortfield=user.email&descending=true")
	if !slices.IsSortedFunc(byEmail.Data, func(a, b clickapi.UserUserGroupDTO) int {
		return strings.Compare(b.User.Email, a.User.Email)
	}) {
		t.Errorf("User.Email descending order: %q", usernames(byEmail.Data))
	}

	empty := groupNamed(t, e, "Music Licensing")
	a := call(t, e, "GET", clickapi.RouteAssignedUsers+"?userGroupId="+empty.ID, "")
	if c := decode[clickapi.Collection[clickapi.UserUserGroupDTO]](t, a); c.Total != 0 || !strings.Contains(string(a.body), `"data":[]`) {
		t.Errorf("empty group: %s", a.body)
	}

	for _, tt := range []struct{ query, code, msg string }{
		{"userGroupId=33333333-3333-4333-8333-333333333333", clickapi.CodeNotFound, "userGroupId: no user group 33333333-3333-4333-8333-333333333333"},
		{"userGroupId=xyz", clickapi.CodeValidation, `userGroupId: "xyz" is not a uuid`},
		{"", clickapi.CodeValidation, "userGroupId: required"},
		{"userGroupId=" + g.ID + "&sortfield=Username", clickapi.CodeValidation, `sortfield: unknown field "Username"; use one of User.Username, User.Email, User.CreateDate, CreateDate`},
		{"userGroupId=" + g.ID + "&page=0", clickapi.CodeValidation, "page: must be at least 1"},
	} {
		wantProblem(t, call(t, e, "GET", clickapi.RouteAssignedUsers+"?"+tt.query, ""), tt.code, tt.msg)
	}
}

func TestAssignedUserGroups(t *testing.T) {
	e := demoEmu(t)
	u := userNamed(t, e, "ada.lovelace@example.com")
	mine := groupRows(t, e, u.ID, "")
	if mine.Total == 0 {
		t.Fatal("ada is in no group")
	}
	for _, r := range mine.Data {
		if r.User == nil || r.User.ID != u.ID || r.UserGroup == nil || r.UserUserGroup.UserID != u.ID || r.UserUserGroup.UserGroupID != r.UserGroup.ID {
			t.Fatalf("row %+v", r)
		}
	}
	got := groupNames(mine.Data)
	if !slices.IsSortedFunc(got, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) {
		t.Errorf("default order is not by group name: %q", got)
	}

	// Put ada in two more groups, one of which then gets deleted.
	extra := decode[clickapi.UserGroup](t, call(t, e, "POST", clickapi.RouteInsertGroup, `{"name":"Zebra Crossing"}`))
	doomed := decode[clickapi.UserGroup](t, call(t, e, "POST", clickapi.RouteInsertGroup, `{"name":"Aardvark Club"}`))
	wantOK(t, call(t, e, "POST", clickapi.RouteAssignUsers, mustJSON(t, []clickapi.UserUserGroup{
		{UserID: u.ID, UserGroupID: extra.ID}, {UserID: u.ID, UserGroupID: doomed.ID},
	})))
	if c := groupRows(t, e, u.ID, ""); c.Total != mine.Total+2 || c.Data[0].UserGroup.Name != "Aardvark Club" {
		t.Fatalf("after assigning: %q", groupNames(c.Data))
	}
	wantOK(t, call(t, e, "DELETE", clickapi.RouteDeleteGroup+"?id="+doomed.ID, ""))
	all := groupRows(t, e, u.ID, "pagesize=1000")
	if all.Total != mine.Total+1 || slices.Contains(groupNames(all.Data), "Aardvark Club") {
		t.Fatalf("after deleting: %q", groupNames(all.Data))
	}
	if c := groupRows(t, e, u.ID, "sortfield=CreateDate&descending=true&pagesize=1"); c.Data[0].UserGroup.Name != "Zebra Crossing" || c.Total != all.Total {
		t.Errorf("newest assignment first: %q", groupNames(c.Data))
	}
	if c := groupRows(t, e, u.ID, "sortfield=UserGroup.CreateDate&descending=true&pagesize=1"); c.Data[0].UserGroup.Name != "Zebra Crossing" {
		t.Errorf("newest group first: %q", groupNames(c.Data))
	}
	if c := groupRows(t, e, u.ID, "name=ZEBRA"); c.Total != 1 || c.Data[0].UserGroup.Name != "Zebra Crossing" {
		t.Errorf("name filter: %q", groupNames(c.Data))
	}
	if c := groupRows(t, e, u.ID, "page=2&pagesize=1"); len(c.Data) != 1 || c.Data[0].UserGroup.Name != groupNames(all.Data)[1] {
		t.Errorf("page 2: %q", groupNames(c.Data))
	}
	if c := groupRows(t, e, u.ID, "page=50"); len(c.Data) != 0 || c.Total != all.Total {
		t.Errorf("page past the end: %d of %d", len(c.Data), c.Total)
	}

	for _, tt := range []struct{ query, code, msg string }{
		{"userId=44444444-4444-4444-8444-444444444444", clickapi.CodeNotFound, "userId: no user 44444444-4444-4444-8444-444444444444"},
		{"userId=" + deletedDemoUserID(t, e), clickapi.CodeNotFound, "userId: no user"},
		{"userId=1234", clickapi.CodeValidation, `userId: "1234" is not a uuid`},
		{"", clickapi.CodeValidation, "userId: required"},
		{"userId=" + u.ID + "&sortfield=Name", clickapi.CodeValidation, `sortfield: unknown field "Name"; use one of UserGroup.Name, UserGroup.CreateDate, CreateDate`},
	} {
		wantProblem(t, call(t, e, "GET", clickapi.RouteAssignedUserGroups+"?"+tt.query, ""), tt.code, tt.msg)
	}
}

// deletedDemoUserID returns the id of the demo's deleted user.
func deletedDemoUserID(t testing.TB, e *Emulator) string {
	t.Helper()
	e.mu.RLock()
	defer e.mu.RUnlock()
	for _, u := range e.st.users {
		if u.deleted {
			return u.id.String()
		}
	}
	t.Fatal("no deleted demo user")
	return ""
}

func TestAssignUsers(t *testing.T) {
	e := demoEmu(t)
	g := groupNamed(t, e, "Music Licensing") // empty in the demo
	other := groupNamed(t, e, "Render Farm Admins")
	ada := userNamed(t, e, "ada.lovelace@example.com")
	grace := userNamed(t, e, "grace.hopper@example.com")
	row := func(u clickapi.User, g clickapi.UserGroup) clickapi.UserUserGroup {
		return clickapi.UserUserGroup{UserID: u.ID, UserGroupID: g.ID}
	}
	memberCount := func(g clickapi.UserGroup) int { return memberRows(t, e, g.ID, "").Total }

	body := mustJSON(t, []clickapi.UserUserGroup{row(ada, g), row(grace, g), row(ada, g)})
	wantOK(t, call(t, e, "POST", clickapi.RouteAssignUsers, body))
	if n := memberCount(g); n != 2 {
		t.Fatalf("after assigning 2 users (one twice): %d members", n)
	}
	before := e.Stats()
	wantOK(t, call(t, e, "POST", clickapi.RouteAssignUsers, body))
	if e.Stats() != before {
		t.Fatalf("repeating the assignment changed the store: %+v -> %+v", before, e.Stats())
	}
	if got := usernames(memberRows(t, e, g.ID, "").Data); !slices.Equal(got, []string{"ada.lovelace@example.com", "grace.hopper@example.com"}) {
		t.Errorf("members %q", got)
	}
	wantOK(t, call(t, e, "POST", clickapi.RouteAssignUsers, `[]`))
	wantOK(t, call(t, e, "POST", clickapi.RouteAssignUsers, `[{"USERID":"`+grace.ID+`","UserGroupId":"`+other.ID+`"}]`))
	if n := memberCount(other); n != 1 {
		t.Errorf("case-insensitive keys: %d members", n)
	}

	missing := "55555555-5555-4555-8555-555555555555"
	tests := []struct {
		name, body, code string
		msgs             []string
	}{
		{"unknown group in one row", mustJSON(t, []clickapi.UserUserGroup{row(ada, other), {UserID: grace.ID, UserGroupID: missing}}),
			clickapi.CodeNotFound, []string{"[1].userGroupId: no user group " + missing}},
		{"unknown user in one row", mustJSON(t, []clickapi.UserUserGroup{row(ada, other), {UserID: missing, UserGroupID: other.ID}}),
			clickapi.CodeNotFound, []string{"[1].userId: no user " + missing}},
		{"deleted user", mustJSON(t, []clickapi.UserUserGroup{row(ada, other), {UserID: deletedDemoUserID(t, e), UserGroupID: other.ID}}),
			clickapi.CodeNotFound, []string{"[1].userId: no user"}},
		{"deleted group", mustJSON(t, []clickapi.UserUserGroup{row(ada, other), {UserID: ada.ID, UserGroupID: deletedDemoGroupID(t, e)}}),
			clickapi.CodeNotFound, []string{"[1].userGroupId: no user group"}},
		{"bad uuids", `[{"userId":"nope","userGroupId":"` + other.ID + `"},{"userId":"` + ada.ID + `","userGroupId":""}]`,
			clickapi.CodeValidation, []string{`[0].userId: "nope" is not a uuid`, "[1].userGroupId: required"}},
		{"object body", `{"userId":"` + ada.ID + `","userGroupId":"` + other.ID + `"}`,
			clickapi.CodeValidation, []string{"body: expected a JSON array of {userId, userGroupId}, got an object"}},
		{"null body", `null`, clickapi.CodeValidation, []string{"body: expected a JSON array of {userId, userGroupId}, got null"}},
		{"malformed", `[{"userId":`, clickapi.CodeValidation, []string{"body: malformed JSON"}},
		{"wrong element type", `[1]`, clickapi.CodeValidation, []string{"expected an object, got a JSON number"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.Stats()
			wantProblem(t, call(t, e, "POST", clickapi.RouteAssignUsers, tt.body), tt.code, tt.msgs...)
			if e.Stats() != before || memberCount(other) != 1 {
				t.Fatalf("a failed assign changed the store: %+v -> %+v", before, e.Stats())
			}
		})
	}
}

func TestAssignUsersManyProblems(t *testing.T) {
	e := demoEmu(t)
	var rows []clickapi.UserUserGroup
	for i := range 30 {
		rows = append(rows, clickapi.UserUserGroup{UserID: fmt.Sprintf("bad-%d", i), UserGroupID: "66666666-6666-4666-8666-666666666666"})
	}
	p := wantProblem(t, call(t, e, "POST", clickapi.RouteAssignUsers, mustJSON(t, rows)), clickapi.CodeValidation, `[19].userId: "bad-19" is not a uuid`, "... and 10 more")
	if n := len(p.Errors[clickapi.CodeValidation]); n != maxMessages+1 {
		t.Errorf("%d messages, want %d", n, maxMessages+1)
	}
}

func TestUnassignUser(t *testing.T) {
	e := demoEmu(t)
	g := groupNamed(t, e, "Color Grading")
	rows := memberRows(t, e, g.ID, "")
	victim := rows.Data[0]
	before := e.Stats()
	wantOK(t, call(t, e, "DELETE", clickapi.RouteUnassignUser+"?id="+victim.UserUserGroup.ID, ""))
	after := memberRows(t, e, g.ID, "")
	if after.Total != rows.Total-1 || slices.Contains(usernames(after.Data), victim.User.Username) {
		t.Fatalf("after unassigning %s: %q", victim.User.Username, usernames(after.Data))
	}
	if e.Stats().Memberships != before.Memberships-1 {
		t.Errorf("memberships %d -> %d", before.Memberships, e.Stats().Memberships)
	}
	if slices.Contains(groupNames(groupRows(t, e, victim.User.ID, "").Data), "Color Grading") {
		t.Errorf("unassigned group still in get_assigned_usergroups")
	}
	wantProblem(t, call(t, e, "DELETE", clickapi.RouteUnassignUser+"?id="+victim.UserUserGroup.ID, ""), clickapi.CodeNotFound, "id: no assignment "+victim.UserUserGroup.ID)
	wantProblem(t, call(t, e, "DELETE", clickapi.RouteUnassignUser+"?id=zzz", ""), clickapi.CodeValidation, `id: "zzz" is not a uuid`)
	wantProblem(t, call(t, e, "DELETE", clickapi.RouteUnassignUser, ""), clickapi.CodeValidation, "id: required")

	wantOK(t, call(t, e, "POST", clickapi.RouteAssignUsers, mustJSON(t, []clickapi.UserUserGroup{{UserID: victim.User.ID, UserGroupID: g.ID}})))
	again := memberRows(t, e, g.ID, "username="+victim.User.Username)
	if again.Total != 1 || again.Data[0].UserUserGroup.ID == victim.UserUserGroup.ID {
		t.Errorf("re-assigning: %+v", again.Data)
	}
}

func TestImportUsers(t *testing.T) {
	e := demoEmu(t)
	design := groupNamed(t, e, "Design Team")
	empty := groupNamed(t, e, "Music Licensing")
	ada := userNamed(t, e, "ada.lovelace@example.com")
	rel := func(username string, refs ...clickapi.GroupRef) clickapi.UserUserGroupRelation {
		return clickapi.UserUserGroupRelation{User: clickapi.ImportUser{Username: username, FirstName: "New", LastName: "Person"}, UserGroups: refs}
	}
	byID := func(g clickapi.UserGroup) clickapi.GroupRef { return clickapi.GroupRef{ID: g.ID} }
	byName := func(n string) clickapi.GroupRef { return clickapi.GroupRef{Name: n} }

	before := e.Stats()
	body := mustJSON(t, []clickapi.UserUserGroupRelation{
		rel("ADA.LOVELACE@example.com", byID(empty)),                           // existing user, by id
		rel("new.person@example.com", byName("music LICENSING"), byID(design)), // new user, by name and id
		rel("New.Person@Example.com", byName("Design Team")),                   // same new user again
		rel("  plainname  ", byID(empty)),                                      // username without @
		rel("loner@example.com"),                                               // no groups
	})
	wantOK(t, call(t, e, "POST", clickapi.RouteImportUsers, body))
	after := e.Stats()
	if after.Users != before.Users+3 || after.Memberships != before.Memberships+4 {
		t.Fatalf("stats %+v -> %+v, want 3 more users and 4 more memberships", before, after)
	}
	if got := usernames(memberRows(t, e, empty.ID, "").Data); !slices.Equal(got, []string{"ada.lovelace@example.com", "new.person@example.com", "plainname"}) {
		t.Errorf("members of %s: %q", empty.Name, got)
	}
	np := userNamed(t, e, "new.person@example.com")
	if np.Firstname != "New" || np.Lastname != "Person" || np.Email != "new.person@example.com" ||
		np.Status != clickapi.UserActive || np.UserType != 64 || np.Owner || np.MFA || np.CreateDate == "" {
		t.Errorf("created user %+v", np)
	}
	if pn := userNamed(t, e, "plainname"); pn.Email != "" {
		t.Errorf("user without @ got email %q", pn.Email)
	}
	if got := userNamed(t, e, "ada.lovelace@example.com"); got != ada {
		t.Errorf("import changed an existing user: %+v -> %+v", ada, got)
	}

	wantOK(t, call(t, e, "POST", clickapi.RouteImportUsers, body))
	if e.Stats() != after {
		t.Fatalf("repeating the import changed the store: %+v -> %+v", after, e.Stats())
	}
	raw := `[{"User":{"UserName":"pascal@example.com","FIRSTNAME":"Pas","lastName":"Cal"},"UserGroups":[{"Name":"Finance"}]}]`
	wantOK(t, call(t, e, "POST", clickapi.RouteImportUsers, raw))
	if u := userNamed(t, e, "pascal@example.com"); u.Firstname != "Pas" || u.Lastname != "Cal" {
		t.Errorf("case-insensitive import keys: %+v", u)
	}
	after = e.Stats()

	missing := "77777777-7777-4777-8777-777777777777"
	tests := []struct {
		name, body, code string
		msgs             []string
	}{
		{"unknown group id in one row", mustJSON(t, []clickapi.UserUserGroupRelation{rel("fresh@example.com", byID(design)), rel("other@example.com", clickapi.GroupRef{ID: missing})}),
			clickapi.CodeNotFound, []string{"[1].userGroups[0].id: no user group " + missing}},
		{"unknown group name", mustJSON(t, []clickapi.UserUserGroupRelation{rel("fresh@example.com", byName("Design Team"), byName("Design"))}),
			clickapi.CodeNotFound, []string{`[0].userGroups[1].name: no user group named "Design"`}},
		{"deleted group name", mustJSON(t, []clickapi.UserUserGroupRelation{rel("fresh@example.com", byName("Old Marketing"))}),
			clickapi.CodeNotFound, []string{`[0].userGroups[0].name: no user group named "Old Marketing"`}},
		{"empty username", mustJSON(t, []clickapi.UserUserGroupRelation{rel("fresh@example.com", byID(design)), rel(" ", byID(design))}),
			clickapi.CodeValidation, []string{"[1].user.username: required"}},
		{"bad group id", mustJSON(t, []clickapi.UserUserGroupRelation{rel("fresh@example.com", clickapi.GroupRef{ID: "g1"})}),
			clickapi.CodeValidation, []string{`[0].userGroups[0].id: "g1" is not a uuid`}},
		{"empty group ref", `[{"user":{"username":"fresh@example.com"},"userGroups":[{}]}]`,
			clickapi.CodeValidation, []string{"[0].userGroups[0]: id or name required"}},
		{"object body", `{"user":{"username":"fresh@example.com"}}`, clickapi.CodeValidation, []string{"body: expected a JSON array of {user, userGroups}, got an object"}},
		{"malformed", `[{"user":`, clickapi.CodeValidation, []string{"body: malformed JSON"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantProblem(t, call(t, e, "POST", clickapi.RouteImportUsers, tt.body), tt.code, tt.msgs...)
			if e.Stats() != after {
				t.Fatalf("a failed import changed the store: %+v -> %+v", after, e.Stats())
			}
			c := decode[clickapi.Collection[clickapi.User]](t, call(t, e, "GET", clickapi.RouteUsers+"?username=fresh", ""))
			if c.Total != 0 {
				t.Fatalf("a failed import created users: %+v", c.Data)
			}
		})
	}
}
