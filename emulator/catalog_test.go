package emulator

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestListProjects(t *testing.T) {
	e := demoEmu(t)
	all := decode[apiCollection[projectJSON]](t, call(t, e, "GET", routeProjects, ""))
	if all.Total != 10 || len(all.Data) != 10 || !reflect.DeepEqual(all.Options, apiOptions{Page: 1, PageSize: 50, Sort: []apiSort{{Field: "Name"}}}) {
		t.Fatalf("projects: %d of %d, options %+v", len(all.Data), all.Total, all.Options)
	}
	var names []string
	for _, p := range all.Data {
		names = append(names, p.Name)
		if p.AccountID != accountID || !p.Active || p.Deleted || p.ID == "" {
			t.Errorf("project %+v", p)
		}
	}
	if !slices.IsSortedFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) || names[0] != "Annual Report" {
		t.Errorf("not by name: %q", names)
	}
	page := decode[apiCollection[projectJSON]](t, call(t, e, "GET", routeProjects+"?name=VIDEO&descending=true&pagesize=1&page=2", ""))
	if page.Total != 2 || len(page.Data) != 1 || page.Data[0].Name != "Music Video: Static" {
		t.Errorf("filtered, descending, page 2: %+v", page)
	}
	deleted := decode[apiCollection[projectJSON]](t, call(t, e, "GET", routeProjects+"?deleted=TRUE", ""))
	if deleted.Total != 1 || deleted.Data[0].Name != "Pilot Episode" || !deleted.Data[0].Deleted || deleted.Data[0].Active {
		t.Errorf("deleted projects: %+v", deleted)
	}
	byDesc := decode[apiCollection[projectJSON]](t, call(t, e, "GET", routeProjects+"?sortfield=description&pagesize=1", ""))
	if byDesc.Data[0].Name != "Documentary: Northern Lights" { // "Feature documentary, ..." comes first
		t.Errorf("by description: %+v", byDesc.Data)
	}
	invalid := invalidf("").code
	wantProblem(t, call(t, e, "GET", routeProjects+"?deleted=maybe", ""), invalid, `deleted: "maybe" is not a boolean`)
	wantProblem(t, call(t, e, "GET", routeProjects+"?sortfield=CreateDate", ""), invalid, `sortfield: unknown field "CreateDate"; use one of Name, Description`)
	wantProblem(t, call(t, e, "GET", routeProjects+"?page=0", ""), invalid, "page: must be at least 1")
	if a := call(t, e, "GET", routeProjects+"?page=9", ""); !strings.Contains(string(a.body), `"data":[],"total":10`) {
		t.Errorf("past the end: %s", a.body)
	}
}

func TestListDrives(t *testing.T) {
	e := demoEmu(t)
	all := decode[apiCollection[driveJSON]](t, call(t, e, "GET", routeDrives+"?pagesize=20", ""))
	if all.Total != 6 || all.Data[0].Name != "Dailies Ingest" {
		t.Fatalf("drives: %+v", all)
	}
	admin := userNamed(t, e, defaultUsername)
	for _, d := range all.Data {
		if d.AccountID != accountID || d.CreatorUserID != admin.ID || d.CloudAccountID != cloudAccountID || d.StorageName == "" ||
			d.ObjectsPerFolder != defaultObjectsPerFolder || d.DriveType != 1 || (d.SyncType != 1 && d.SyncType != 2) || !d.Active {
			t.Errorf("drive %+v", d)
		}
	}
	a := call(t, e, "GET", routeDrives+"?name=legal", "")
	if !strings.Contains(string(a.body), `"cloudAccount":{}`) {
		t.Errorf("cloudAccount is not an empty object: %s", a.body)
	}
	byStorage := decode[apiCollection[driveJSON]](t, call(t, e, "GET", routeDrives+"?sortfield=StorageName&descending=true&pagesize=1", ""))
	if byStorage.Data[0].StorageName != "amove-media-archive" {
		t.Errorf("by storage name, descending: %+v", byStorage.Data)
	}
	if none := decode[apiCollection[driveJSON]](t, call(t, e, "GET", routeDrives+"?deleted=true", "")); none.Total != 0 || none.Data == nil {
		t.Errorf("deleted drives: %+v", none)
	}

	details := decode[apiCollection[driveDetailsRow]](t, call(t, e, "GET", routeDrivesWithDetails+"?name=media", ""))
	if details.Total != 1 {
		t.Fatalf("media details: %+v", details)
	}
	d := details.Data[0]
	var groups []string
	for _, g := range d.GroupsData {
		groups = append(groups, g.UserGroup.Name)
		if g.Permission.SharedCloudDriveID != d.ID || g.Permission.UserGroupID != g.UserGroup.ID {
			t.Errorf("group row %+v", g)
		}
	}
	if strings.Join(groups, ",") != "Archive Managers,Editorial,Post Production" {
		t.Errorf("groupsData %q", groups)
	}
	if len(d.UsersData) != 1 || d.UsersData[0].User.Username != demoGrace || d.UsersData[0].Permission.PermissionType != levelRead {
		t.Errorf("usersData %+v", d.UsersData)
	}
	if d.ProjectsData == nil || len(d.ProjectsData) != 0 {
		t.Errorf("projectsData %+v", d.ProjectsData)
	}
}
