package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// memberRows fetches one page of get_assigned_users.
func memberRows(t testing.TB, e *Emulator, groupID, query string) apiCollection[apiMembershipRow] {
	t.Helper()
	return decode[apiCollection[apiMembershipRow]](t,
		call(t, e, "GET", routeAssignedUsers+"?userGroupId="+groupID+"&"+query, ""))
}

// groupRows fetches one page of get_assigned_usergroups.
func groupRows(t testing.TB, e *Emulator, userID, query string) apiCollection[apiMembershipRow] {
	t.Helper()
	return decode[apiCollection[apiMembershipRow]](t,
		call(t, e, "GET", routeAssignedUserGroups+"?userId="+userID+"&"+query, ""))
}

// usernames lists the usernames of rows.
func usernames(rows []apiMembershipRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.User.Username
	}
	return out
}

// groupNames lists the group names of rows.
func groupNames(rows []apiMembershipRow) []string {
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
	for _, sort := range memberSortFields() {
		c := memberRows(t, e, g.ID, "pagesize=1000&sortfield="+sort)
		if c.Total != all.Total {
			t.Errorf("sort %s: total %d", sort, c.Total)
		}
	}
	byCreate := memberRows(t, e, g.ID, "pagesize=1000&sortfield=User.CreateDate")
	if !slices.IsSortedFunc(byCreate.Data, func(a, b apiMembershipRow) int {
		return strings.Compare(a.User.CreateDate, b.User.CreateDate)
	}) {
		t.Errorf("User.CreateDate order: %q", usernames(byCreate.Data))
	}
	byEmail := memberRows(t, e, g.ID, "pagesize=1000&sortfield=user.email&descending=true")
	if !slices.IsSortedFunc(byEmail.Data, func(a, b apiMembershipRow) int {
		return strings.Compare(b.User.Email, a.User.Email)
	}) {
		t.Errorf("User.Email descending order: %q", usernames(byEmail.Data))
	}

	empty := groupNamed(t, e, "Music Licensing")
	a := call(t, e, "GET", routeAssignedUsers+"?userGroupId="+empty.ID, "")
	if c := decode[apiCollection[apiMembershipRow]](t, a); c.Total != 0 || !strings.Contains(string(a.body), `"data":[]`) {
		t.Errorf("empty group: %s", a.body)
	}

	for _, tt := range []struct{ query, code, msg string }{
		{"userGroupId=33333333-3333-4333-8333-333333333333", codeNotFound, "userGroupId: no user group 33333333-3333-4333-8333-333333333333"},
		{"userGroupId=xyz", codeDefault, `userGroupId: "xyz" is not a uuid`},
		{"", codeDefault, "userGroupId: required"},
		{"userGroupId=" + g.ID + "&sortfield=Username", codeDefault, `sortfield: unknown field "Username"; use one of User.Username, User.Email, User.CreateDate, CreateDate`},
		{"userGroupId=" + g.ID + "&page=0", codeDefault, "page: must be at least 1"},
	} {
		wantProblem(t, call(t, e, "GET", routeAssignedUsers+"?"+tt.query, ""), tt.code, tt.msg)
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
	extra := decode[apiGroup](t, call(t, e, "POST", routeInsertGroup, `{"name":"Zebra Crossing"}`))
	doomed := decode[apiGroup](t, call(t, e, "POST", routeInsertGroup, `{"name":"Aardvark Club"}`))
	wantOK(t, call(t, e, "POST", routeAssignUsers, mustJSON(t, []pairRequest{
		{UserID: u.ID, UserGroupID: extra.ID}, {UserID: u.ID, UserGroupID: doomed.ID},
	})))
	if c := groupRows(t, e, u.ID, ""); c.Total != mine.Total+2 || c.Data[0].UserGroup.Name != "Aardvark Club" {
		t.Fatalf("after assigning: %q", groupNames(c.Data))
	}
	wantOK(t, call(t, e, "DELETE", routeDeleteGroup+"?id="+doomed.ID, ""))
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
		{"userId=44444444-4444-4444-8444-444444444444", codeNotFound, "userId: no user 44444444-4444-4444-8444-444444444444"},
		{"userId=" + deletedDemoUserID(t, e), codeNotFound, "userId: no user"},
		{"userId=1234", codeDefault, `userId: "1234" is not a uuid`},
		{"", codeDefault, "userId: required"},
		{"userId=" + u.ID + "&sortfield=Name", codeDefault, `sortfield: unknown field "Name"; use one of UserGroup.Name, UserGroup.CreateDate, CreateDate`},
	} {
		wantProblem(t, call(t, e, "GET", routeAssignedUserGroups+"?"+tt.query, ""), tt.code, tt.msg)
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
	row := func(u apiUser, g apiGroup) pairRequest {
		return pairRequest{UserID: u.ID, UserGroupID: g.ID}
	}
	memberCount := func(g apiGroup) int { return memberRows(t, e, g.ID, "").Total }

	body := mustJSON(t, []pairRequest{row(ada, g), row(grace, g), row(ada, g)})
	wantOK(t, call(t, e, "POST", routeAssignUsers, body))
	if n := memberCount(g); n != 2 {
		t.Fatalf("after assigning 2 users (one twice): %d members", n)
	}
	before := e.Stats()
	wantOK(t, call(t, e, "POST", routeAssignUsers, body))
	if e.Stats() != before {
		t.Fatalf("repeating the assignment changed the store: %+v -> %+v", before, e.Stats())
	}
	if got := usernames(memberRows(t, e, g.ID, "").Data); !slices.Equal(got, []string{"ada.lovelace@example.com", "grace.hopper@example.com"}) {
		t.Errorf("members %q", got)
	}
	wantOK(t, call(t, e, "POST", routeAssignUsers, `[]`))
	wantOK(t, call(t, e, "POST", routeAssignUsers, `[{"USERID":"`+grace.ID+`","UserGroupId":"`+other.ID+`"}]`))
	if n := memberCount(other); n != 1 {
		t.Errorf("case-insensitive keys: %d members", n)
	}

	missing := "55555555-5555-4555-8555-555555555555"
	tests := []struct {
		name, body, code string
		msgs             []string
	}{
		{"unknown group in one row", mustJSON(t, []pairRequest{row(ada, other), {UserID: grace.ID, UserGroupID: missing}}),
			codeNotFound, []string{"[1].userGroupId: no user group " + missing}},
		{"unknown user in one row", mustJSON(t, []pairRequest{row(ada, other), {UserID: missing, UserGroupID: other.ID}}),
			codeNotFound, []string{"[1].userId: no user " + missing}},
		{"deleted user", mustJSON(t, []pairRequest{row(ada, other), {UserID: deletedDemoUserID(t, e), UserGroupID: other.ID}}),
			codeNotFound, []string{"[1].userId: no user"}},
		{"deleted group", mustJSON(t, []pairRequest{row(ada, other), {UserID: ada.ID, UserGroupID: deletedDemoGroupID(t, e)}}),
			codeNotFound, []string{"[1].userGroupId: no user group"}},
		{"bad uuids", `[{"userId":"nope","userGroupId":"` + other.ID + `"},{"userId":"` + ada.ID + `","userGroupId":""}]`,
			codeDefault, []string{`[0].userId: "nope" is not a uuid`, "[1].userGroupId: required"}},
		{"object body", `{"userId":"` + ada.ID + `","userGroupId":"` + other.ID + `"}`,
			codeDefault, []string{"body: expected a JSON array of {userId, userGroupId}, got an object"}},
		{"null body", `null`, codeDefault, []string{"body: expected a JSON array of {userId, userGroupId}, got null"}},
		{"malformed", `[{"userId":`, codeDefault, []string{"body: malformed JSON"}},
		{"wrong element type", `[1]`, codeDefault, []string{"expected an object, got a JSON number"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.Stats()
			wantProblem(t, call(t, e, "POST", routeAssignUsers, tt.body), tt.code, tt.msgs...)
			if e.Stats() != before || memberCount(other) != 1 {
				t.Fatalf("a failed assign changed the store: %+v -> %+v", before, e.Stats())
			}
		})
	}
}

func TestAssignUsersManyProblems(t *testing.T) {
	e := demoEmu(t)
	var rows []pairRequest
	for i := range 30 {
		rows = append(rows, pairRequest{UserID: fmt.Sprintf("bad-%d", i), UserGroupID: "66666666-6666-4666-8666-666666666666"})
	}
	p := wantProblem(t, call(t, e, "POST", routeAssignUsers, mustJSON(t, rows)), codeDefault, `[19].userId: "bad-19" is not a uuid`, "... and 10 more")
	if n := len(p.Errors[codeDefault]); n != maxMessages+1 {
		t.Errorf("%d messages, want %d", n, maxMessages+1)
	}
}

func TestUnassignUser(t *testing.T) {
	e := demoEmu(t)
	g := groupNamed(t, e, "Color Grading")
	rows := memberRows(t, e, g.ID, "")
	victim := rows.Data[0]
	before := e.Stats()
	wantOK(t, call(t, e, "DELETE", routeUnassignUser+"?id="+victim.UserUserGroup.ID, ""))
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
	wantProblem(t, call(t, e, "DELETE", routeUnassignUser+"?id="+victim.UserUserGroup.ID, ""), codeNotFound, "id: no assignment "+victim.UserUserGroup.ID)
	wantProblem(t, call(t, e, "DELETE", routeUnassignUser+"?id=zzz", ""), codeDefault, `id: "zzz" is not a uuid`)
	wantProblem(t, call(t, e, "DELETE", routeUnassignUser, ""), codeDefault, "id: required")

	wantOK(t, call(t, e, "POST", routeAssignUsers, mustJSON(t, []pairRequest{{UserID: victim.User.ID, UserGroupID: g.ID}})))
	again := memberRows(t, e, g.ID, "username="+victim.User.Username)
	if again.Total != 1 || again.Data[0].UserUserGroup.ID == victim.UserUserGroup.ID {
		t.Errorf("re-assigning: %+v", again.Data)
	}
}

// TestImportUsers shows the import rules of [web:usergroup.md] and I19,
// I20: users reused by username ignoring case or created Pending, groups
// matched by name ignoring case and created when missing, additive and
// idempotent.
func TestImportUsers(t *testing.T) {
	e := demoEmu(t)
	design := groupNamed(t, e, "Design Team")
	empty := groupNamed(t, e, "Music Licensing")
	ada := userNamed(t, e, "ada.lovelace@example.com")
	rel := func(username string, refs ...groupRefRequest) importRequest {
		return importRequest{User: importUserRequest{Username: username, FirstName: "New", LastName: "Person"}, UserGroups: refs}
	}
	byID := func(g apiGroup) groupRefRequest { return groupRefRequest{ID: g.ID} }
	byName := func(n string) groupRefRequest { return groupRefRequest{Name: n} }
	creative := typeDesktopCreativeUser

	before := e.Stats()
	body := mustJSON(t, []importRequest{
		rel("ADA.LOVELACE@example.com", byName("music LICENSING")),                                                 // existing user, group by name ignoring case
		rel("new.person@example.com", byName("Music Licensing"), byID(design)),                                     // new user; a group by id alone
		rel("New.Person@Example.com", byName("Design Team")),                                                       // the same new user again
		rel("loner@example.com"),                                                                                   // no groups
		rel("starter@example.com", byName("Brand New Team"), byName("BRAND NEW TEAM")),                             // a missing group, created once
		rel("starter@example.com", byName("Old Marketing")),                                                        // a deleted group's name is free: a new group
		rel("ghost@example.com", groupRefRequest{ID: "77777777-7777-4777-8777-777777777777"}),                      // unknown id without a name: pair skipped
		rel("named@example.com", groupRefRequest{ID: "77777777-7777-4777-8777-777777777777", Name: "Design Team"}), // the name wins
		{User: importUserRequest{Username: "typed@example.com", Email: "typed.mail@example.com", UserType: &creative}, UserGroups: []groupRefRequest{byName("Finance")}},
	})
	wantOK(t, call(t, e, "POST", routeImportUsers, body))
	after := e.Stats()
	// New users: new.person, loner, starter, ghost, named, typed.
	// New groups: Brand New Team, Old Marketing.
	// New memberships: ada+ML, new.person+ML, new.person+Design, starter+BNT,
	// starter+OM, named+Design, typed+Finance.
	if after.Users != before.Users+6 || after.Groups != before.Groups+2 || after.Memberships != before.Memberships+7 {
		t.Fatalf("stats %+v -> %+v, want 6 more users, 2 more groups and 7 more memberships", before, after)
	}
	if got := usernames(memberRows(t, e, empty.ID, "").Data); !slices.Equal(got, []string{"ada.lovelace@example.com", "new.person@example.com"}) {
		t.Errorf("members of %s: %q", empty.Name, got)
	}
	np := userNamed(t, e, "new.person@example.com")
	if np.Firstname != "New" || np.Lastname != "Person" || np.Email != "new.person@example.com" ||
		np.Status != userPending || np.UserType != typeDesktopStandardUser || np.Owner || np.MFA || np.CreateDate == "" {
		t.Errorf("created user %+v: want Pending, type 64, email the username (I19)", np)
	}
	if ty := userNamed(t, e, "typed@example.com"); ty.Email != "typed.mail@example.com" || ty.UserType != typeDesktopCreativeUser {
		t.Errorf("email and userType of the entry not kept: %+v", ty)
	}
	if got := userNamed(t, e, "ada.lovelace@example.com"); got != ada {
		t.Errorf("import changed an existing user: %+v -> %+v", ada, got)
	}
	bnt := groupNamed(t, e, "Brand New Team")
	if !bnt.Active || bnt.Deleted || bnt.Description != "" || bnt.AccountID != accountID {
		t.Errorf("created group %+v", bnt)
	}
	if got := usernames(memberRows(t, e, bnt.ID, "").Data); !slices.Equal(got, []string{"starter@example.com"}) {
		t.Errorf("members of the created group: %q", got)
	}
	if got := groupNames(groupRows(t, e, userNamed(t, e, "ghost@example.com").ID, "").Data); len(got) != 0 {
		t.Errorf("ghost joined %q through an unknown id", got)
	}

	// Additive and idempotent: the same body again changes nothing.
	wantOK(t, call(t, e, "POST", routeImportUsers, body))
	if e.Stats() != after {
		t.Fatalf("repeating the import changed the store: %+v -> %+v", after, e.Stats())
	}
	// I3: input keys bind ignoring case.
	raw := `[{"User":{"UserName":"pascal@example.com","FIRSTNAME":"Pas","lastName":"Cal","USERTYPE":16},"UserGroups":[{"Name":"Finance"}]},` +
		`{"user":{"username":"zero.type@example.com","userType":0}}]`
	wantOK(t, call(t, e, "POST", routeImportUsers, raw))
	if u := userNamed(t, e, "pascal@example.com"); u.Firstname != "Pas" || u.Lastname != "Cal" || u.UserType != typeDesktopAdmin {
		t.Errorf("case-insensitive import keys: %+v", u)
	}
	if u := userNamed(t, e, "zero.type@example.com"); u.UserType != typeDesktopStandardUser {
		t.Errorf("userType 0 is not the default 64: %+v", u)
	}
	after = e.Stats()

	tests := []struct {
		name, body, code string
		msgs             []string
	}{
		{"empty username", mustJSON(t, []importRequest{rel("fresh@example.com", byID(design)), rel(" ", byID(design))}),
			codeDefault, []string{"[1].user.username: required"}},
		{"username not an email", mustJSON(t, []importRequest{rel("fresh@example.com", byID(design)), rel("plainname", byID(design))}),
			codeInvalidEmail, []string{`[1].user.username: "plainname" is not an email address`}},
		{"email not an email", `[{"user":{"username":"fresh@example.com","email":"nope"}}]`,
			codeInvalidEmail, []string{`[0].user.email: "nope" is not an email address`}},
		{"username too long", mustJSON(t, []importRequest{rel(strings.Repeat("x", 40) + "@example.com")}),
			codeDefault, []string{"[0].user.username: at most 50 characters (got 52)"}},
		{"bad user type", `[{"user":{"username":"fresh@example.com","userType":-1}}]`,
			codeDefault, []string{"[0].user.userType: -1 is not a user type"}},
		{"user type beyond the flags", `[{"user":{"username":"fresh@example.com","userType":128}}]`,
			codeDefault, []string{"[0].user.userType: 128 is not a user type"}},
		{"bad group id without a name", mustJSON(t, []importRequest{rel("fresh@example.com", groupRefRequest{ID: "g1"})}),
			codeDefault, []string{`[0].userGroups[0].id: "g1" is not a uuid`}},
		{"group name too long", mustJSON(t, []importRequest{rel("fresh@example.com", byName(strings.Repeat("n", 101)))}),
			codeDefault, []string{"[0].userGroups[0].name: at most 100 characters (got 101)"}},
		{"empty group ref", `[{"user":{"username":"fresh@example.com"},"userGroups":[{}]}]`,
			codeDefault, []string{"[0].userGroups[0]: name (or id) required"}},
		{"object body", `{"user":{"username":"fresh@example.com"}}`, codeDefault, []string{"body: expected a JSON array of {user, userGroups}, got an object"}},
		{"malformed", `[{"user":`, codeDefault, []string{"body: malformed JSON"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantProblem(t, call(t, e, "POST", routeImportUsers, tt.body), tt.code, tt.msgs...)
			if e.Stats() != after {
				t.Fatalf("a failed import changed the store: %+v -> %+v", after, e.Stats())
			}
			c := decode[apiCollection[apiUser]](t, call(t, e, "GET", routeUsers+"?username=fresh", ""))
			if c.Total != 0 {
				t.Fatalf("a failed import created users: %+v", c.Data)
			}
		})
	}
}

// TestImportOtherAccount shows that an entry whose username belongs to
// another account is skipped without an error [web:usergroup.md].
func TestImportOtherAccount(t *testing.T) {
	e := newEmu(t, Options{Seed: "demo", Deterministic: true, OtherAccountUsers: []string{"Outsider@Example.com"}})
	before := e.Stats()
	wantOK(t, call(t, e, "POST", routeImportUsers,
		`[{"user":{"username":"outsider@example.com"},"userGroups":[{"name":"Finance"},{"name":"Outsiders Only"}]},`+
			`{"user":{"username":"insider@example.com"},"userGroups":[{"name":"Finance"}]}]`))
	after := e.Stats()
	if after.Users != before.Users+1 || after.Groups != before.Groups || after.Memberships != before.Memberships+1 {
		t.Fatalf("stats %+v -> %+v, want only insider added to Finance", before, after)
	}
	if c := usersPage(t, e, "username=outsider"); c.Total != 0 {
		t.Fatalf("the other account's user was created: %+v", c.Data)
	}
}

// TestImportNoSubscription shows the 402 before any work [web:usergroup.md]
// and its body (I10).
func TestImportNoSubscription(t *testing.T) {
	e := newEmu(t, Options{Seed: "demo", Deterministic: true, NoSubscription: true})
	before := e.Stats()
	for _, body := range []string{`[{"user":{"username":"new@example.com"},"userGroups":[{"name":"New Group"}]}]`, `not even JSON`} {
		a := call(t, e, "POST", routeImportUsers, body)
		want := `{"type":"COST","status":402,"errors":{"COST":["The account has no active subscription."]}}`
		if a.status != http.StatusPaymentRequired || string(a.body) != want || a.header.Get("Content-Type") != "application/json" {
			t.Fatalf("got %d %s, want 402 %s", a.status, a.body, want)
		}
	}
	if e.Stats() != before {
		t.Fatalf("a 402 import changed the store: %+v -> %+v", before, e.Stats())
	}
	// Everything else works.
	decode[apiGroup](t, call(t, e, "POST", routeInsertGroup, `{"name":"Still Fine","active":true}`))
}
