package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// demoLiveGroups is how many groups the demo seed leaves live.
const demoLiveGroups = 41

func TestListGroups(t *testing.T) {
	e := demoEmu(t)
	all := groupsPage(t, e, "pagesize=1000").Data
	if len(all) != demoLiveGroups {
		t.Fatalf("%d live demo groups, want %d", len(all), demoLiveGroups)
	}
	sorted := slices.IsSortedFunc(all, func(a, b apiGroup) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	if !sorted {
		t.Fatalf("default order is not by name ignoring case: %q", names(all))
	}
	reversed := slices.Clone(all)
	slices.Reverse(reversed)

	tests := []struct {
		name      string
		query     string
		wantNames []string
		wantTotal int
		wantPage  apiOptions
	}{
		{"defaults", "", names(all), demoLiveGroups, apiOptions{Page: 1, PageSize: 50}},
		{"second page", "page=2&pagesize=10", names(all[10:20]), demoLiveGroups, apiOptions{Page: 2, PageSize: 10}},
		{"last partial page", "page=5&pagesize=10", names(all[40:]), demoLiveGroups, apiOptions{Page: 5, PageSize: 10}},
		{"page past the end", "page=100&pagesize=10", []string{}, demoLiveGroups, apiOptions{Page: 100, PageSize: 10}},
		{"huge page", "page=9223372036854775807&pagesize=1000", []string{}, demoLiveGroups, apiOptions{Page: 9223372036854775807, PageSize: 1000}},
		{"descending", "descending=true&pagesize=5", names(reversed[:5]), demoLiveGroups, apiOptions{Page: 1, PageSize: 5}},
		{"descending True", "descending=True&pagesize=5", names(reversed[:5]), demoLiveGroups, apiOptions{Page: 1, PageSize: 5}},
		{"descending false", "descending=false&pagesize=5", names(all[:5]), demoLiveGroups, apiOptions{Page: 1, PageSize: 5}},
		{"name filter ignores case", "name=MARKETING", []string{"Marketing Americas", "Marketing APAC", "Marketing EMEA"}, 3, apiOptions{Page: 1, PageSize: 50}},
		{"name filter is a substring", "name=sales", []string{"Sales EMEA", "Sales North America"}, 2, apiOptions{Page: 1, PageSize: 50}},
		{"filter hides deleted groups", "name=legacy", []string{}, 0, apiOptions{Page: 1, PageSize: 50}},
		{"filter with paging", "name=e&pagesize=3&page=2&descending=true", nil, -1, apiOptions{Page: 2, PageSize: 3}},
		{"filter with special characters", "name=%26+c", []string{"Rights & Clearances"}, 1, apiOptions{Page: 1, PageSize: 50}},
		{"page size clamped", "pagesize=5000", names(all), demoLiveGroups, apiOptions{Page: 1, PageSize: maxPageSize}},
		{"parameter names ignore case", "pageSize=2&Page=1&SortField=name", names(all[:2]), demoLiveGroups, apiOptions{Page: 1, PageSize: 2}},
		{"sort field ignores case", "sortfield=name&pagesize=3", names(all[:3]), demoLiveGroups, apiOptions{Page: 1, PageSize: 3}},
		{"by creation", "sortfield=CreateDate&pagesize=3", []string{"Design Team", "Post Production", "Color Grading"}, demoLiveGroups, apiOptions{Page: 1, PageSize: 3}},
		{"by creation descending", "sortfield=CreateDate&descending=true&pagesize=2", []string{"Training", "Partner Agencies"}, demoLiveGroups, apiOptions{Page: 1, PageSize: 2}},
		{"by description", "sortfield=Description&pagesize=2", []string{"Animation", "Sales EMEA"}, demoLiveGroups, apiOptions{Page: 1, PageSize: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := call(t, e, "GET", routeGroups+"?"+tt.query, "")
			c := decode[apiCollection[apiGroup]](t, a)
			if tt.wantNames != nil && !slices.Equal(names(c.Data), tt.wantNames) {
				t.Errorf("names %q, want %q", names(c.Data), tt.wantNames)
			}
			if tt.wantTotal >= 0 && c.Total != tt.wantTotal {
				t.Errorf("total %d, want %d", c.Total, tt.wantTotal)
			}
			if c.Options.Page != tt.wantPage.Page || c.Options.PageSize != tt.wantPage.PageSize || len(c.Options.Sort) != 1 {
				t.Errorf("options %+v, want %+v", c.Options, tt.wantPage)
			}
			if len(c.Data) == 0 && !strings.Contains(string(a.body), `"data":[]`) {
				t.Errorf("empty page is not []: %s", a.body)
			}
			for _, g := range c.Data {
				if g.Deleted || g.AccountID != accountID {
					t.Errorf("group %+v: deleted or wrong account", g)
				}
			}
		})
	}
}

func TestListGroupsFilterPaging(t *testing.T) {
	e := demoEmu(t)
	var matched []string
	for _, g := range groupsPage(t, e, "pagesize=1000&descending=true").Data {
		if strings.Contains(strings.ToLower(g.Name), "e") {
			matched = append(matched, g.Name)
		}
	}
	c := groupsPage(t, e, "name=E&pagesize=3&page=2&descending=true")
	if c.Total != len(matched) || !slices.Equal(names(c.Data), matched[3:6]) {
		t.Fatalf("got %q of %d, want %q of %d", names(c.Data), c.Total, matched[3:6], len(matched))
	}
}

func TestListGroupsValidation(t *testing.T) {
	e := demoEmu(t)
	tests := []struct{ query, msg string }{
		{"sortfield=Nme", `sortfield: unknown field "Nme"; use one of Name, CreateDate, Description`},
		{"sortfield=User.Username", `sortfield: unknown field "User.Username"`},
		{"page=0", "page: must be at least 1 (got 0)"},
		{"page=-3", "page: must be at least 1 (got -3)"},
		{"page=abc", `page: "abc" is not an integer`},
		{"page=1.5", `page: "1.5" is not an integer`},
		{"pagesize=0", "pagesize: must be at least 1 (got 0)"},
		{"pagesize=x", `pagesize: "x" is not an integer`},
		{"descending=yes", `descending: "yes" is not a boolean`},
	}
	for _, route := range []string{routeGroups, routeGroupsWithDetails} {
		for _, tt := range tests {
			t.Run(route+"?"+tt.query, func(t *testing.T) {
				wantProblem(t, call(t, e, "GET", route+"?"+tt.query, ""), codeDefault, tt.msg)
			})
		}
	}
	p := wantProblem(t, call(t, e, "GET", routeGroups+"?page=0&sortfield=x", ""), codeDefault)
	if len(p.Errors[codeDefault]) != 2 {
		t.Errorf("two bad parameters, messages %q", p.Errors[codeDefault])
	}
}

func TestListGroupsOrderIsTotal(t *testing.T) {
	e := newEmu(t, Options{Deterministic: true})
	for _, n := range []string{"beta", "Alpha", "alpha 2", "ALPHA 1", "Ärger", "zeta"} {
		call(t, e, "POST", routeInsertGroup, fmt.Sprintf(`{"name":%q,"description":"same","active":true}`, n))
	}
	want := []string{"Alpha", "ALPHA 1", "alpha 2", "beta", "zeta", "Ärger"}
	if got := names(groupsPage(t, e, "").Data); !slices.Equal(got, want) {
		t.Fatalf("by name %q, want %q", got, want)
	}
	if got := names(groupsPage(t, e, "sortfield=Description").Data); !slices.Equal(got, want) {
		t.Fatalf("equal descriptions fall back to the name: %q, want %q", got, want)
	}
	for size := 1; size <= 4; size++ {
		var paged []string
		for page := 1; ; page++ {
			c := groupsPage(t, e, fmt.Sprintf("page=%d&pagesize=%d&sortfield=Description&descending=true", page, size))
			if len(c.Data) == 0 {
				break
			}
			paged = append(paged, names(c.Data)...)
		}
		rev := slices.Clone(want)
		slices.Reverse(rev)
		if !slices.Equal(paged, rev) {
			t.Fatalf("pages of %d: %q, want %q", size, paged, rev)
		}
	}
}

func TestListGroupDetails(t *testing.T) {
	e := demoEmu(t)
	c := decode[apiCollection[groupDetailsRow]](t, call(t, e, "GET", routeGroupsWithDetails+"?name=finance", ""))
	if c.Total != 1 || len(c.Data) != 1 {
		t.Fatalf("finance: %d rows of %d", len(c.Data), c.Total)
	}
	fin := c.Data[0]
	if fin.Name != "Finance" || len(fin.UsersData) == 0 {
		t.Fatalf("finance row %+v", fin)
	}
	// The permissions are the group's records (permissionType 2 is
	// ReadWrite), not the earlier read/write/admin guess.
	if len(fin.ProjectsData) != 1 || fin.ProjectsData[0].Project.Name != "Annual Report" ||
		fin.ProjectsData[0].Permission.PermissionType != levelReadWrite || fin.ProjectsData[0].Permission.UserGroupID != fin.ID ||
		fin.ProjectsData[0].Permission.ProjectID != fin.ProjectsData[0].Project.ID {
		t.Errorf("finance projects %+v", fin.ProjectsData)
	}
	if len(fin.DrivesData) != 1 || fin.DrivesData[0].SharedCloudDrive.Name != "Finance Docs" || fin.DrivesData[0].SharedCloudDrive.StorageName != "amove-finance" ||
		fin.DrivesData[0].Permission.PermissionType != levelReadWrite || fin.DrivesData[0].Permission.SharedCloudDriveID != fin.DrivesData[0].SharedCloudDrive.ID {
		t.Errorf("finance drives %+v", fin.DrivesData)
	}
	for _, m := range fin.UsersData {
		if m.User == nil || m.UserUserGroup == nil || m.UserUserGroup.UserGroupID != fin.ID || m.UserUserGroup.UserID != m.User.ID {
			t.Fatalf("member row %+v", m)
		}
	}
	if !slices.IsSortedFunc(fin.UsersData, func(a, b apiUserRow) int { return strings.Compare(a.User.Username, b.User.Username) }) {
		t.Errorf("members are not sorted by username")
	}

	a := call(t, e, "GET", routeGroupsWithDetails+"?name=render%20farm", "")
	if !strings.Contains(string(a.body), `"projectsData":[],"usersData":[],"drivesData":[]`) {
		t.Errorf("an empty group's lists are not []: %s", a.body)
	}
	all := decode[apiCollection[groupDetailsRow]](t, call(t, e, "GET", routeGroupsWithDetails+"?pagesize=1000&descending=true", ""))
	if all.Total != demoLiveGroups || all.Data[0].Name != "Visual Effects" {
		t.Errorf("descending details: total %d, first %q", all.Total, all.Data[0].Name)
	}
}

func TestInsertGroup(t *testing.T) {
	long := strings.Repeat("x", 101)
	tests := []struct {
		name, body string
		code       string // "" for success
		msg        string
	}{
		{"ok", `{"name":"New Team","description":"d","active":true}`, "", ""},
		{"PascalCase keys", `{"Name":"Pascal Team","Description":"d","Active":true}`, "", ""},
		{"100 characters", fmt.Sprintf(`{"name":%q}`, strings.Repeat("é", 100)), "", ""},
		{"name of a deleted group", `{"name":"Old Marketing"}`, "", ""},
		{"unknown keys ignored", `{"name":"Extra Team","color":"red"}`, "", ""},
		{"duplicate", `{"name":"Design Team"}`, codeDuplicate, msgDuplicateName},
		{"duplicate ignoring case", `{"name":"dESIGN tEAM"}`, codeDuplicate, msgDuplicateName},
		{"empty name", `{"name":"","active":true}`, codeDefault, "name: required"},
		{"blank name", `{"name":"   "}`, codeDefault, "name: required, must not be blank"},
		{"no name", `{"description":"x"}`, codeDefault, "name: required"},
		{"null name", `{"name":null}`, codeDefault, "name: required"},
		{"101 characters", fmt.Sprintf(`{"name":%q}`, long), codeDefault, "name: at most 100 characters (got 101)"},
		{"130 multibyte characters", fmt.Sprintf(`{"name":%q}`, strings.Repeat("ß", 130)), codeDefault, "name: at most 100 characters (got 130)"},
		{"malformed JSON", `{"name":"x"`, codeDefault, "body: malformed JSON"},
		{"syntax error", `{"name" "x"}`, codeDefault, "body: malformed JSON at byte"},
		{"wrong type", `{"name":"x","active":"yes"}`, codeDefault, "active: expected a boolean, got a JSON string"},
		{"array body", `[{"name":"x"}]`, codeDefault, "body: expected an object, got a JSON array"},
		{"empty body", ``, codeDefault, "body: required"},
		{"trailing data", `{"name":"Trailing"} {}`, codeDefault, "body: unexpected data after the JSON value"},
	}
	e := demoEmu(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.Stats()
			a := call(t, e, "POST", routeInsertGroup, tt.body)
			if tt.code != "" {
				wantProblem(t, a, tt.code, tt.msg)
				if e.Stats() != before {
					t.Errorf("a failed insert changed the store: %+v -> %+v", before, e.Stats())
				}
				return
			}
			g := decode[apiGroup](t, a)
			if g.ID == "" || g.AccountID != accountID || g.Deleted {
				t.Fatalf("created %+v", g)
			}
			if got := groupNamed(t, e, g.Name); got != g {
				t.Fatalf("listed %+v, created %+v", got, g)
			}
			if e.Stats().Groups != before.Groups+1 {
				t.Errorf("groups %d -> %d", before.Groups, e.Stats().Groups)
			}
		})
	}
	g := groupNamed(t, e, "New Team")
	if g.Description != "d" || !g.Active {
		t.Errorf("stored %+v", g)
	}
}

func TestUpdateGroup(t *testing.T) {
	e := demoEmu(t)
	design := groupNamed(t, e, "Design Team")
	finance := groupNamed(t, e, "Finance")
	update := func(id, name string) string {
		return mustJSON(t, groupRequest{ID: id, Name: name, Description: "updated", Active: false})
	}
	tests := []struct {
		name, body string
		code       string
		msg        string
	}{
		{"rename", update(design.ID, "Design Studio"), "", ""},
		{"change only case of own name", update(design.ID, "DESIGN STUDIO"), "", ""},
		{"keep the name", update(finance.ID, "Finance"), "", ""},
		{"uppercase id", update(strings.ToUpper(finance.ID), "Finance"), "", ""},
		{"duplicate of another group", update(design.ID, "finance"), codeDuplicate, msgDuplicateName},
		{"unknown id", update("11111111-1111-4111-8111-111111111111", "x"), codeNotFound, "id: no user group 11111111-1111-4111-8111-111111111111"},
		{"deleted group", update(deletedDemoGroupID(t, e), "Revived"), codeNotFound, "id: no user group"},
		{"bad uuid", update("abc", "x"), codeDefault, `id: "abc" is not a uuid`},
		{"no id", `{"name":"x"}`, codeDefault, "id: required"},
		{"empty name", update(design.ID, ""), codeDefault, "name: required"},
		{"long name", update(design.ID, strings.Repeat("n", 130)), codeDefault, "name: at most 100 characters (got 130)"},
		{"malformed", `{"id":`, codeDefault, "body: malformed JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := call(t, e, "PUT", routeUpdateGroup, tt.body)
			if tt.code != "" {
				wantProblem(t, a, tt.code, tt.msg)
				return
			}
			g := decode[apiGroup](t, a)
			if g.Description != "updated" || g.Active || g.AccountID != accountID || g.ID != strings.ToLower(g.ID) {
				t.Fatalf("updated %+v", g)
			}
			if got := groupNamed(t, e, g.Name); got != g {
				t.Fatalf("listed %+v, answered %+v", got, g)
			}
		})
	}
	if c := groupsPage(t, e, "name=design+s"); c.Total != 1 || c.Data[0].Name != "DESIGN STUDIO" {
		t.Errorf("after renames: %q", names(c.Data))
	}
	if e.Stats().Groups != demoLiveGroups {
		t.Errorf("updates changed the group count: %d", e.Stats().Groups)
	}
}

// deletedDemoGroupID returns the id of the demo's soft-deleted "Old Marketing".
func deletedDemoGroupID(t testing.TB, e *Emulator) string {
	t.Helper()
	e.mu.RLock()
	defer e.mu.RUnlock()
	for _, g := range e.st.groups {
		if g.deleted && g.name == "Old Marketing" {
			return g.id.String()
		}
	}
	t.Fatal("no deleted Old Marketing group")
	return ""
}

func TestDeleteGroup(t *testing.T) {
	e := demoEmu(t)
	finance := groupNamed(t, e, "Finance")
	members := decode[apiCollection[apiMembershipRow]](t, call(t, e, "GET", routeAssignedUsers+"?userGroupId="+finance.ID, ""))
	if members.Total == 0 {
		t.Fatal("finance has no members")
	}
	someone := members.Data[0].User
	groupsOf := func() []string {
		c := decode[apiCollection[apiMembershipRow]](t, call(t, e, "GET", routeAssignedUserGroups+"?userId="+someone.ID, ""))
		var out []string
		for _, r := range c.Data {
			out = append(out, r.UserGroup.Name)
		}
		return out
	}
	if !slices.Contains(groupsOf(), "Finance") {
		t.Fatalf("%s is not in Finance: %q", someone.Username, groupsOf())
	}
	before := e.Stats()

	wantOK(t, call(t, e, "DELETE", routeDeleteGroup+"?id="+finance.ID, ""))

	if c := groupsPage(t, e, "name=finance"); c.Total != 0 {
		t.Errorf("deleted group still listed: %q", names(c.Data))
	}
	if slices.Contains(groupsOf(), "Finance") {
		t.Errorf("deleted group still in get_assigned_usergroups: %q", groupsOf())
	}
	after := e.Stats()
	if after.Groups != before.Groups-1 || after.Memberships != before.Memberships-members.Total {
		t.Errorf("stats %+v -> %+v (finance had %d members)", before, after, members.Total)
	}
	e.mu.RLock()
	stored := 0
	for _, m := range e.st.members {
		if m.groupID.String() == finance.ID && !e.st.users[m.userID].deleted {
			stored++
		}
	}
	deleted := e.st.groups[parseUUID(t, finance.ID)].deleted
	e.mu.RUnlock()
	if stored != members.Total || !deleted {
		t.Errorf("after a soft delete: %d assignments of live users stored (want %d), deleted=%v", stored, members.Total, deleted)
	}

	wantProblem(t, call(t, e, "DELETE", routeDeleteGroup+"?id="+finance.ID, ""), codeNotFound, "id: no user group "+finance.ID)
	wantProblem(t, call(t, e, "GET", routeAssignedUsers+"?userGroupId="+finance.ID, ""), codeNotFound, "userGroupId: no user group")
	wantProblem(t, call(t, e, "DELETE", routeDeleteGroup+"?id=22222222-2222-4222-8222-222222222222", ""), codeNotFound)
	wantProblem(t, call(t, e, "DELETE", routeDeleteGroup+"?id=nope", ""), codeDefault, `id: "nope" is not a uuid`)
	wantProblem(t, call(t, e, "DELETE", routeDeleteGroup, ""), codeDefault, "id: required")

	g := decode[apiGroup](t, call(t, e, "POST", routeInsertGroup, `{"name":"Finance","active":true}`))
	if g.ID == finance.ID {
		t.Fatal("re-created group reuses the deleted id")
	}
	wantProblem(t, call(t, e, "POST", routeAssignUsers, mustJSON(t, []pairRequest{{UserID: someone.ID, UserGroupID: finance.ID}})), codeNotFound)
}

func TestProblemShape(t *testing.T) {
	e := demoEmu(t)
	a := call(t, e, "POST", routeInsertGroup, `{"name":"Design Team"}`)
	// Exactly the vendor's sample [click:errors.md]: type, status, errors.
	want := `{"type":"DUPLICATE","status":499,"errors":{"DUPLICATE":["A resource with the same name already exists."]}}`
	if a.status != statusValidation || string(a.body) != want || a.header.Get(errorCodeHeader) != "DUPLICATE" {
		t.Fatalf("got %d %s (error-code %q), want 499 %s", a.status, a.body, a.header.Get(errorCodeHeader), want)
	}
	if a := call(t, e, "GET", routeGroups, ""); a.status != http.StatusOK || strings.HasSuffix(string(a.body), "\n") || strings.Contains(string(a.body), ": ") {
		t.Fatalf("body is not compact: %q", a.body)
	}
}
