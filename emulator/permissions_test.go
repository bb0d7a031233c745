package emulator

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// The demo facts the access report relies on: grace reaches "Feature Film:
// Harbor" only through Visual Effects (ReadWrite).
func TestDemoGraceReachesHarborOnlyThroughAGroup(t *testing.T) {
	e := demoEmu(t)
	grace := userNamed(t, e, demoGrace)
	harbor := projectNamed(t, e, "Feature Film: Harbor")
	direct, _ := permPage[userProjectRow](t, e, routeProjectsOfUser, url.Values{"userId": {grace.ID}})
	if got := projectLevels(direct); !maps.Equal(got, map[string]int{"Podcast Season 3": levelRead}) {
		t.Fatalf("grace's direct project permissions %v", got)
	}
	users, total := permPage[userProjectRow](t, e, routeUsersOfProject, url.Values{"projectId": {harbor.ID}})
	if total != 0 || len(users) != 0 {
		t.Fatalf("Harbor has direct users %+v", users)
	}
	groups, _ := permPage[groupProjectRow](t, e, routeGroupsOfProject, url.Values{"projectId": {harbor.ID}})
	var vfx *groupProjectRow
	for i := range groups {
		if groups[i].UserGroup.Name == "Visual Effects" {
			vfx = &groups[i]
		}
	}
	if vfx == nil || vfx.Permission.PermissionType != levelReadWrite || vfx.Permission.ProjectID != harbor.ID {
		t.Fatalf("Harbor's groups %+v", groups)
	}
	rows := groupRows(t, e, grace.ID, "")
	if got := groupNames(rows.Data); !slices.Contains(got, "Visual Effects") {
		t.Fatalf("grace's groups %q", got)
	}
	// Ada: ReadWrite on Brand Refresh directly, no group of hers reaches it.
	ada := userNamed(t, e, demoAda)
	direct, _ = permPage[userProjectRow](t, e, routeProjectsOfUser, url.Values{"userId": {ada.ID}})
	if got := projectLevels(direct); !maps.Equal(got, map[string]int{"Brand Refresh": levelReadWrite, "Trailer Cut": levelRead}) {
		t.Fatalf("ada's direct project permissions %v", got)
	}
}

func TestPermissionWriteRoundTrip(t *testing.T) {
	e := demoEmu(t)
	ada := userNamed(t, e, demoAda)
	finance := groupNamed(t, e, "Finance")
	podcast := projectNamed(t, e, "Podcast Season 3")
	archive := driveNamed(t, e, "Media Archive")

	type kindCase struct {
		route, list, body string
		query             url.Values
	}
	for _, c := range []kindCase{
		{route: routeUserProjectPerms, list: routeProjectsOfUser, query: url.Values{"userId": {ada.ID}},
			body: fmt.Sprintf(`[{"userId":%q,"projectId":%q,"permissionType":1}]`, ada.ID, podcast.ID)},
		{route: routeUserDrivePerms, list: routeDrivesOfUser, query: url.Values{"userId": {ada.ID}},
			body: fmt.Sprintf(`[{"userId":%q,"sharedCloudDriveId":%q,"permissionType":1}]`, ada.ID, archive.ID)},
		{route: routeGroupProjectPerms, list: routeProjectsOfGroup, query: url.Values{"userGroupId": {finance.ID}},
			body: fmt.Sprintf(`[{"userGroupId":%q,"projectId":%q,"permissionType":1}]`, finance.ID, podcast.ID)},
		{route: routeGroupDrivePerms, list: routeDrivesOfGroup, query: url.Values{"userGroupId": {finance.ID}},
			body: fmt.Sprintf(`[{"userGroupId":%q,"sharedCloudDriveId":%q,"permissionType":1}]`, finance.ID, archive.ID)},
	} {
		t.Run(c.route, func(t *testing.T) {
			count := func() int {
				return decode[rawRows](t, call(t, e, "GET", c.list+"?"+c.query.Encode(), "")).Total
			}
			find := func() (string, int) {
				page := decode[rawRows](t, call(t, e, "GET", c.list+"?"+c.query.Encode(), ""))
				for _, raw := range page.Data {
					s := string(raw)
					if strings.Contains(s, podcast.ID) || strings.Contains(s, `"sharedCloudDriveId":"`+archive.ID) {
						var row struct {
							Permission permJSON `json:"permission"`
						}
						if err := json.Unmarshal(raw, &row); err != nil {
							t.Fatal(err)
						}
						return row.Permission.ID, row.Permission.PermissionType
					}
				}
				return "", 0
			}
			if id, _ := find(); id != "" {
				t.Fatalf("permission %s exists before the add", id)
			}
			n := count()
			wantOK(t, call(t, e, "POST", c.route, c.body))
			id, level := find()
			if id == "" || level != levelRead {
				t.Fatalf("after add: id %q level %d", id, level)
			}
			// I22: adding the pair again keeps the record and its level.
			wantOK(t, call(t, e, "POST", c.route, strings.Replace(c.body, `"permissionType":1`, `"permissionType":2`, 1)))
			if id2, level2 := find(); id2 != id || level2 != levelRead || count() != n+1 {
				t.Fatalf("after a second add: id %q level %d, %d rows; want %q level 1, %d rows", id2, level2, count(), id, n+1)
			}
			edit := strings.Replace(c.body, `[{`, `[{"id":"`+id+`",`, 1)
			wantOK(t, call(t, e, "PUT", c.route, strings.Replace(edit, `"permissionType":1`, `"permissionType":2`, 1)))
			if id2, level2 := find(); id2 != id || level2 != levelReadWrite {
				t.Fatalf("after edit: id %q level %d", id2, level2)
			}
			// PUT with the id alone changes the level too.
			wantOK(t, call(t, e, "PUT", c.route, `[{"id":"`+id+`","permissionType":1}]`))
			if _, level2 := find(); level2 != levelRead {
				t.Fatalf("after an id-only edit: level %d", level2)
			}
			wantOK(t, call(t, e, "DELETE", c.route+"?id="+id, ""))
			if id2, _ := find(); id2 != "" {
				t.Fatalf("after delete: %s still listed", id2)
			}
			wantProblem(t, call(t, e, "DELETE", c.route+"?id="+id, ""), codeNotFound, "id: no ", id)
			wantProblem(t, call(t, e, "PUT", c.route, `[{"id":"`+id+`","permissionType":2}]`), codeNotFound, "[0].id: no ")
		})
	}
}

func TestPermissionWriteErrors(t *testing.T) {
	e := demoEmu(t)
	ada := userNamed(t, e, demoAda)
	finance := groupNamed(t, e, "Finance")
	podcast := projectNamed(t, e, "Podcast Season 3")
	archive := driveNamed(t, e, "Media Archive")
	unknown := "99999999-9999-4999-8999-999999999999"
	invalid := invalidf("").code
	before := e.Stats()
	countPerms := func() int {
		e.mu.RLock()
		defer e.mu.RUnlock()
		return len(e.st.access.perms)
	}
	n := countPerms()

	for _, tc := range []struct {
		name, method, route, body, code string
		msgs                            []string
	}{
		{"not an array", "POST", routeUserProjectPerms, `{"userId":"x"}`, invalid, []string{"body: expected a JSON array of {userId, projectId, permissionType}, got an object"}},
		{"empty body", "POST", routeUserProjectPerms, ``, invalid, []string{"body: required"}},
		{"bad level and uuid", "POST", routeUserProjectPerms, fmt.Sprintf(`[{"userId":"abc","projectId":%q,"permissionType":3}]`, podcast.ID), invalid,
			[]string{`[0].userId: "abc" is not a uuid`, "[0].permissionType: 3 is not 1 (Read) or 2 (ReadWrite)"}},
		{"missing object", "POST", routeGroupDrivePerms, fmt.Sprintf(`[{"userGroupId":%q,"permissionType":1}]`, finance.ID), invalid,
			[]string{"[0].sharedCloudDriveId: required"}},
		{"wrong kind of id", "POST", routeUserDrivePerms, fmt.Sprintf(`[{"userId":%q,"projectId":%q,"permissionType":1}]`, ada.ID, podcast.ID), invalid,
			[]string{"[0].sharedCloudDriveId: required"}},
		{"one unknown row rejects the batch", "POST", routeUserProjectPerms,
			fmt.Sprintf(`[{"userId":%q,"projectId":%q,"permissionType":1},{"userId":%q,"projectId":%q,"permissionType":1}]`, ada.ID, podcast.ID, unknown, unknown),
			codeNotFound, []string{"[1].userId: no user " + unknown, "[1].projectId: no project " + unknown}},
		{"a group id is not a user", "POST", routeUserDrivePerms, fmt.Sprintf(`[{"userId":%q,"sharedCloudDriveId":%q,"permissionType":1}]`, finance.ID, archive.ID),
			codeNotFound, []string{"[0].userId: no user " + finance.ID}},
		{"put without id", "PUT", routeGroupProjectPerms, `[{"permissionType":1}]`, invalid, []string{"[0].id: required"}},
		{"put unknown", "PUT", routeGroupProjectPerms, `[{"id":"` + unknown + `","permissionType":1}]`, codeNotFound,
			[]string{"[0].id: no user group-project permission " + unknown}},
		{"delete without id", "DELETE", routeGroupDrivePerms, ``, invalid, []string{"id: required"}},
		{"delete bad id", "DELETE", routeGroupDrivePerms + "?id=x", ``, invalid, []string{`id: "x" is not a uuid`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantProblem(t, call(t, e, tc.method, tc.route, tc.body), tc.code, tc.msgs...)
		})
	}
	if got := countPerms(); got != n || e.Stats() != before {
		t.Fatalf("failed writes changed the store: %d permissions, want %d", got, n)
	}

	// A permission id of another kind is not found on this route, and a
	// PUT cannot move a record to another group or project.
	fin, _ := permPage[groupProjectRow](t, e, routeProjectsOfGroup, url.Values{"userGroupId": {finance.ID}})
	id := fin[0].Permission.ID
	wantProblem(t, call(t, e, "DELETE", routeUserProjectPerms+"?id="+id, ""), codeNotFound, "id: no user-project permission "+id)
	wantProblem(t, call(t, e, "PUT", routeGroupDrivePerms, `[{"id":"`+id+`","permissionType":1}]`), codeNotFound)
	other := groupNamed(t, e, "Legal")
	wantProblem(t, call(t, e, "PUT", routeGroupProjectPerms, fmt.Sprintf(`[{"id":%q,"userGroupId":%q,"permissionType":1}]`, id, other.ID)),
		invalid, "[0].userGroupId: user group-project permission "+id+" belongs to user group "+finance.ID)
	wantProblem(t, call(t, e, "PUT", routeGroupProjectPerms, fmt.Sprintf(`[{"id":%q,"projectId":%q,"permissionType":1}]`, id, podcast.ID)),
		invalid, "[0].projectId: user group-project permission "+id+" is on project "+fin[0].Project.ID)
	if got := countPerms(); got != n {
		t.Fatalf("refused edits changed the store: %d permissions, want %d", got, n)
	}
}

func TestPermissionBatchAddsOncePerPair(t *testing.T) {
	e := demoEmu(t)
	grace := userNamed(t, e, demoGrace)
	var rows []string
	for _, p := range []string{"Annual Report", "Trailer Cut", "Annual Report", "Music Video: Static"} {
		rows = append(rows, fmt.Sprintf(`{"userId":%q,"projectId":%q,"permissionType":2}`, grace.ID, projectNamed(t, e, p).ID))
	}
	wantOK(t, call(t, e, "POST", routeUserProjectPerms, "["+strings.Join(rows, ",")+"]"))
	got, total := permPage[userProjectRow](t, e, routeProjectsOfUser, url.Values{"userId": {grace.ID}})
	if total != 4 || !maps.Equal(projectLevels(got), map[string]int{"Annual Report": 2, "Trailer Cut": 2, "Music Video: Static": 2, "Podcast Season 3": 1}) {
		t.Fatalf("grace's projects after the batch: %d %v", total, projectLevels(got))
	}
	// The rows come sorted by project name (the default Project.Name).
	var order []string
	for _, r := range got {
		order = append(order, r.Project.Name)
		if r.User.ID != grace.ID || r.Permission.UserID != grace.ID || r.Permission.ProjectID != r.Project.ID {
			t.Errorf("row %+v", r)
		}
	}
	if !slices.Equal(order, []string{"Annual Report", "Music Video: Static", "Podcast Season 3", "Trailer Cut"}) {
		t.Errorf("order %q", order)
	}
}

func TestPermissionLists(t *testing.T) {
	e := demoEmu(t)
	editorial := groupNamed(t, e, "Editorial")
	archive := driveNamed(t, e, "Media Archive")
	marketing := driveNamed(t, e, "Marketing Assets")

	// The group-drive list by drive takes the vendor's sharedCloudDrive
	// (sic) and, as an alias, sharedCloudDriveId.
	byVendor, total := permPage[groupDriveRow](t, e, routeGroupsOfDrive, url.Values{"sharedCloudDrive": {marketing.ID}})
	byAlias, _ := permPage[groupDriveRow](t, e, routeGroupsOfDrive, url.Values{"sharedCloudDriveId": {marketing.ID}})
	if total != 4 || len(byVendor) != 4 || !slices.EqualFunc(byVendor, byAlias, func(a, b groupDriveRow) bool { return a.Permission == b.Permission }) {
		t.Fatalf("groups of Marketing Assets: %d %+v / %+v", total, byVendor, byAlias)
	}
	var gnames []string
	for _, r := range byVendor {
		gnames = append(gnames, r.UserGroup.Name)
		if r.SharedCloudDrive.ID != marketing.ID || r.Permission.UserGroupID != r.UserGroup.ID {
			t.Errorf("row %+v", r)
		}
	}
	if !slices.Equal(gnames, []string{"Brand Studio", "Marketing Americas", "Marketing APAC", "Marketing EMEA"}) {
		t.Errorf("groups by UserGroup.Name: %q", gnames)
	}
	wantProblem(t, call(t, e, "GET", routeGroupsOfDrive, ""), invalidf("").code, "sharedCloudDrive: required")

	// Filters are case-insensitive substrings of the other side's name;
	// paging keeps the true total.
	rows, total := permPage[groupDriveRow](t, e, routeGroupsOfDrive, url.Values{"sharedCloudDrive": {marketing.ID}, "name": {"MARKETING"}, "pagesize": {"2"}, "page": {"2"}})
	if total != 3 || len(rows) != 1 || rows[0].UserGroup.Name != "Marketing EMEA" {
		t.Fatalf("filtered page 2: %d %+v", total, rows)
	}
	rows, _ = permPage[groupDriveRow](t, e, routeGroupsOfDrive, url.Values{"sharedCloudDrive": {marketing.ID}, "sortfield": {"permission.permissiontype"}, "descending": {"true"}})
	if rows[0].Permission.PermissionType != levelReadWrite || rows[len(rows)-1].Permission.PermissionType != levelReadWrite {
		t.Errorf("by level: %+v", rows)
	}
	wantProblem(t, call(t, e, "GET", routeGroupsOfDrive+"?sharedCloudDrive="+marketing.ID+"&sortfield=Name", ""), invalidf("").code,
		`sortfield: unknown field "Name"; use one of UserGroup.Name, SharedCloudDrive.Name, Permission.PermissionType`)

	// The drives of a group: SharedCloudDrive.Name; the drives of a user:
	// the vendor's SharedClouDrive.Name (only that spelling).
	drives, _ := permPage[groupDriveRow](t, e, routeDrivesOfGroup, url.Values{"userGroupId": {editorial.ID}})
	var dnames []string
	for _, r := range drives {
		dnames = append(dnames, r.SharedCloudDrive.Name)
	}
	if !slices.Equal(dnames, []string{"Editorial Share", "Media Archive"}) {
		t.Errorf("Editorial's drives %q", dnames)
	}
	grace := userNamed(t, e, demoGrace)
	udrives, _ := permPage[userDriveRow](t, e, routeDrivesOfUser, url.Values{"userId": {grace.ID}, "sortfield": {"SharedClouDrive.Name"}})
	if len(udrives) != 1 || udrives[0].SharedClouDrive.ID != archive.ID || udrives[0].Permission.PermissionType != levelRead {
		t.Errorf("grace's drives %+v", udrives)
	}
	wantProblem(t, call(t, e, "GET", routeDrivesOfUser+"?userId="+grace.ID+"&sortfield=SharedCloudDrive.Name", ""), invalidf("").code, "unknown field")
	users, total := permPage[userDriveRow](t, e, routeUsersOfDrive, url.Values{"sharedCloudDriveId": {archive.ID}, "username": {"HOPPER"}})
	if total != 1 || users[0].User.Username != demoGrace {
		t.Errorf("users of Media Archive: %+v", users)
	}

	// Unknown ids are NOT_FOUND, a soft-deleted project too.
	unknown := "99999999-9999-4999-8999-999999999999"
	for route, param := range map[string]string{
		routeUsersOfProject: "projectId", routeProjectsOfUser: "userId", routeUsersOfDrive: "sharedCloudDriveId",
		routeDrivesOfUser: "userId", routeGroupsOfProject: "projectId", routeProjectsOfGroup: "userGroupId",
		routeGroupsOfDrive: "sharedCloudDrive", routeDrivesOfGroup: "userGroupId",
	} {
		wantProblem(t, call(t, e, "GET", route+"?"+param+"="+unknown, ""), codeNotFound, param+": no ")
		wantProblem(t, call(t, e, "GET", route, ""), invalidf("").code, param+": required")
	}
	e.mu.RLock()
	var pilot string
	for _, p := range e.st.projects {
		if p.deleted {
			pilot = p.id.String()
		}
	}
	e.mu.RUnlock()
	wantProblem(t, call(t, e, "GET", routeGroupsOfProject+"?projectId="+pilot, ""), codeNotFound, "projectId: no project "+pilot)
	projects, _ := permPage[groupProjectRow](t, e, routeProjectsOfGroup, url.Values{"userGroupId": {editorial.ID}})
	for _, r := range projects {
		if r.Project.ID == pilot {
			t.Errorf("the deleted project's permission is listed: %+v", r)
		}
	}
}

// Group and user details show the permissions as they are written; a
// deleted group's permissions are hidden, not removed.
func TestDetailsFollowPermissionWrites(t *testing.T) {
	e := demoEmu(t)
	legal := groupNamed(t, e, "Legal")
	podcast := projectNamed(t, e, "Podcast Season 3")
	details := func() groupDetailsRow {
		c := decode[apiCollection[groupDetailsRow]](t, call(t, e, "GET", routeGroupsWithDetails+"?name=legal", ""))
		return c.Data[0]
	}
	before := details()
	wantOK(t, call(t, e, "POST", routeGroupProjectPerms, fmt.Sprintf(`[{"userGroupId":%q,"projectId":%q,"permissionType":2}]`, legal.ID, podcast.ID)))
	after := details()
	if len(after.ProjectsData) != len(before.ProjectsData)+1 {
		t.Fatalf("projectsData %d -> %d", len(before.ProjectsData), len(after.ProjectsData))
	}
	var found bool
	for _, pd := range after.ProjectsData {
		if pd.Project.ID == podcast.ID {
			found = pd.Permission.PermissionType == levelReadWrite && pd.Permission.UserGroupID == legal.ID
		}
	}
	if !found {
		t.Fatalf("the new permission is not in projectsData: %+v", after.ProjectsData)
	}
	if !slices.IsSortedFunc(after.ProjectsData, func(a, b groupProjectData) int {
		return strings.Compare(strings.ToLower(a.Project.Name), strings.ToLower(b.Project.Name))
	}) {
		t.Errorf("projectsData is not sorted by name")
	}
	wantOK(t, call(t, e, "DELETE", routeDeleteGroup+"?id="+legal.ID, ""))
	wantProblem(t, call(t, e, "GET", routeProjectsOfGroup+"?userGroupId="+legal.ID, ""), codeNotFound)
	groups, _ := permPage[groupProjectRow](t, e, routeGroupsOfProject, url.Values{"projectId": {podcast.ID}})
	for _, g := range groups {
		if g.UserGroup.ID == legal.ID {
			t.Errorf("a deleted group's permission is listed")
		}
	}
	// The record is kept (I18): adding the pair for a deleted group is
	// NOT_FOUND, and the store still holds it.
	wantProblem(t, call(t, e, "POST", routeGroupProjectPerms, fmt.Sprintf(`[{"userGroupId":%q,"projectId":%q,"permissionType":2}]`, legal.ID, podcast.ID)),
		codeNotFound, "[0].userGroupId: no user group "+legal.ID)
	e.mu.RLock()
	kept := len(e.st.access.bySubject[sideKey{permGroupProject, parseUUID(t, legal.ID)}])
	e.mu.RUnlock()
	if kept != len(after.ProjectsData) {
		t.Errorf("deleted group keeps %d records, want %d", kept, len(after.ProjectsData))
	}
}
