package clickapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// The routes and query names in these tests are written out from the
// contract (section 9), not taken from the constants: a typo in a constant
// must fail here.

func TestPermissionWrites(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name, method, path, query, body string
		call                            func(c *Client) error
	}{
		{"grant user project", "POST", "/userspermission/users_project_permission", "",
			`[{"userId":"u1","projectId":"p1","permissionType":2},{"userId":"u2","projectId":"p1","permissionType":1}]`,
			func(c *Client) error {
				return c.GrantUserProjectPermissions(ctx, []UserProjectPermission{
					{ID: "ignored", UserID: "u1", ProjectID: "p1", PermissionType: PermissionReadWrite},
					{UserID: "u2", ProjectID: "p1", PermissionType: PermissionRead}})
			}},
		{"set user project", "PUT", "/userspermission/users_project_permission", "",
			`[{"id":"r1","userId":"u1","projectId":"p1","permissionType":1}]`,
			func(c *Client) error {
				return c.SetUserProjectPermissions(ctx, []UserProjectPermission{{ID: "r1", UserID: "u1", ProjectID: "p1", PermissionType: PermissionRead}})
			}},
		{"revoke user project", "DELETE", "/userspermission/users_project_permission", "id=r1", "",
			func(c *Client) error { return c.RevokeUserProjectPermission(ctx, "r1") }},

		{"grant user drive", "POST", "/userspermission/users_sharedclouddrive_permision", "",
			`[{"userId":"u1","sharedCloudDriveId":"d1","permissionType":2}]`,
			func(c *Client) error {
				return c.GrantUserSharedCloudDrivePermissions(ctx, []UserSharedCloudDrivePermission{{ID: "x", UserID: "u1", SharedCloudDriveID: "d1", PermissionType: 2}})
			}},
		{"set user drive", "PUT", "/userspermission/users_sharedclouddrive_permision", "",
			`[{"id":"r2","userId":"u1","sharedCloudDriveId":"d1","permissionType":2}]`,
			func(c *Client) error {
				return c.SetUserSharedCloudDrivePermissions(ctx, []UserSharedCloudDrivePermission{{ID: "r2", UserID: "u1", SharedCloudDriveID: "d1", PermissionType: 2}})
			}},
		{"revoke user drive", "DELETE", "/userspermission/users_sharedclouddrive_permision", "id=r2", "",
			func(c *Client) error { return c.RevokeUserSharedCloudDrivePermission(ctx, "r2") }},

		{"grant group project", "POST", "/userspermission/usergroups_project_permission", "",
			`[{"userGroupId":"g1","projectId":"p1","permissionType":1}]`,
			func(c *Client) error {
				return c.GrantUserGroupProjectPermissions(ctx, []UserGroupProjectPermission{{UserGroupID: "g1", ProjectID: "p1", PermissionType: 1}})
			}},
		{"set group project", "PUT", "/userspermission/usergroups_project_permission", "",
			`[{"id":"r3","userGroupId":"g1","projectId":"p1","permissionType":2},{"id":"r4","userGroupId":"g2","projectId":"p1","permissionType":1}]`,
			func(c *Client) error {
				return c.SetUserGroupProjectPermissions(ctx, []UserGroupProjectPermission{
					{ID: "r3", UserGroupID: "g1", ProjectID: "p1", PermissionType: 2},
					{ID: "r4", UserGroupID: "g2", ProjectID: "p1", PermissionType: 1}})
			}},
		{"revoke group project", "DELETE", "/userspermission/usergroups_project_permission", "id=r3", "",
			func(c *Client) error { return c.RevokeUserGroupProjectPermission(ctx, "r3") }},

		{"grant group drive", "POST", "/userspermission/usergroup_sharedclouddrive_permission", "",
			`[{"userGroupId":"g1","sharedCloudDriveId":"d1","permissionType":2}]`,
			func(c *Client) error {
				return c.GrantUserGroupSharedCloudDrivePermissions(ctx, []UserGroupSharedCloudDrivePermission{{UserGroupID: "g1", SharedCloudDriveID: "d1", PermissionType: 2}})
			}},
		{"set group drive", "PUT", "/userspermission/usergroup_sharedclouddrive_permission", "",
			`[{"id":"r5","userGroupId":"g1","sharedCloudDriveId":"d1","permissionType":1}]`,
			func(c *Client) error {
				return c.SetUserGroupSharedCloudDrivePermissions(ctx, []UserGroupSharedCloudDrivePermission{{ID: "r5", UserGroupID: "g1", SharedCloudDriveID: "d1", PermissionType: 1}})
			}},
		{"revoke group drive", "DELETE", "/userspermission/usergroup_sharedclouddrive_permission", "id=r5", "",
			func(c *Client) error { return c.RevokeUserGroupSharedCloudDrivePermission(ctx, "r5") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mux := setup(t)
			rec := record(mux, tt.path, 200, "")
			if err := tt.call(c); err != nil {
				t.Fatal(err)
			}
			wantRequest(t, rec, tt.method, tt.path, tt.query, tt.body)
		})
	}
}

const (
	userJSON    = `{"id":"u1","firstname":"Ada","lastname":"Lovelace","username":"ada@example.com","email":"ada@example.com","userType":64,"status":1,"owner":false,"mfa":false,"createDate":"2026-01-01T00:00:00Z"}`
	groupJSON   = `{"id":"g1","accountId":"a1","name":"Design Team","description":"d","active":true,"deleted":false}`
	projectJSON = `{"id":"p1","accountId":"a1","name":"Launch","description":"film","active":true,"deleted":false}`
	driveJSON   = `{"id":"d1","accountId":"a1","creatorUserId":"u9","name":"Media","prefix":"m","driveType":1,"syncType":2,"active":true,"deleted":false,"cloudAccount":{}}`
)

func page(rows ...string) string {
	return `{"data":[` + strings.Join(rows, ",") + `],"total":` + fmt.Sprint(len(rows)) + `,"options":{"page":1,"pageSize":50}}`
}

func TestPermissionReads(t *testing.T) {
	ctx := context.Background()
	opts := ListOptions{Page: 2, PageSize: 10, SortField: "X.Y", Descending: true, Name: "la", Username: "ad"}
	const paging = "page=2&pagesize=10&sortfield=X.Y&descending=true&"
	wantUser := func(t *testing.T, u *User) {
		t.Helper()
		if u == nil || u.ID != "u1" || u.Username != "ada@example.com" || u.Firstname != "Ada" {
			t.Errorf("user %+v", u)
		}
	}
	wantGroup := func(t *testing.T, g *UserGroup) {
		t.Helper()
		if g == nil || g.ID != "g1" || g.Name != "Design Team" || !g.Active {
			t.Errorf("group %+v", g)
		}
	}
	wantProject := func(t *testing.T, p *Project) {
		t.Helper()
		if p == nil || *p != (Project{ID: "p1", AccountID: "a1", Name: "Launch", Description: "film", Active: true}) {
			t.Errorf("project %+v", p)
		}
	}
	wantDrive := func(t *testing.T, d *SharedCloudDrive) {
		t.Helper()
		if d == nil || *d != (SharedCloudDrive{ID: "d1", AccountID: "a1", Name: "Media", DriveType: VirtualDrive, SyncType: SyncMirror, Active: true}) {
			t.Errorf("drive %+v", d)
		}
	}
	upRow := `{"user":` + userJSON + `,"project":` + projectJSON + `,"permission":{"id":"r1","userId":"u1","projectId":"p1","permissionType":2}}`
	udRow := `{"user":` + userJSON + `,"sharedClouDrive":` + driveJSON + `,"permission":{"id":"r2","userId":"u1","sharedCloudDriveId":"d1","permissionType":1}}`
	gpRow := `{"userGroup":` + groupJSON + `,"project":` + projectJSON + `,"permission":{"id":"r3","userGroupId":"g1","projectId":"p1","permissionType":1}}`
	gdRow := `{"userGroup":` + groupJSON + `,"sharedCloudDrive":` + driveJSON + `,"permission":{"id":"r4","userGroupId":"g1","sharedCloudDriveId":"d1","permissionType":2}}`

	checkUP := func(t *testing.T, col *Collection[UserProjectPermissionDTO]) {
		if col.Total != 1 || len(col.Data) != 1 {
			t.Fatalf("collection %+v", col)
		}
		d := col.Data[0]
		wantUser(t, d.User)
		wantProject(t, d.Project)
		if d.Permission == nil || *d.Permission != (UserProjectPermission{ID: "r1", UserID: "u1", ProjectID: "p1", PermissionType: PermissionReadWrite}) {
			t.Errorf("permission %+v", d.Permission)
		}
	}
	checkUD := func(t *testing.T, col *Collection[UserSharedCloudDrivePermissionDTO]) {
		if col.Total != 1 || len(col.Data) != 1 {
			t.Fatalf("collection %+v", col)
		}
		d := col.Data[0]
		wantUser(t, d.User)
		wantDrive(t, d.SharedCloudDrive)
		if d.Permission == nil || *d.Permission != (UserSharedCloudDrivePermission{ID: "r2", UserID: "u1", SharedCloudDriveID: "d1", PermissionType: PermissionRead}) {
			t.Errorf("permission %+v", d.Permission)
		}
	}
	checkGP := func(t *testing.T, col *Collection[UserGroupProjectPermissionDTO]) {
		if col.Total != 1 || len(col.Data) != 1 {
			t.Fatalf("collection %+v", col)
		}
		d := col.Data[0]
		wantGroup(t, d.UserGroup)
		wantProject(t, d.Project)
		if d.Permission == nil || *d.Permission != (UserGroupProjectPermission{ID: "r3", UserGroupID: "g1", ProjectID: "p1", PermissionType: PermissionRead}) {
			t.Errorf("permission %+v", d.Permission)
		}
	}
	checkGD := func(t *testing.T, col *Collection[UserGroupSharedCloudDrivePermissionDTO]) {
		if col.Total != 1 || len(col.Data) != 1 {
			t.Fatalf("collection %+v", col)
		}
		d := col.Data[0]
		wantGroup(t, d.UserGroup)
		wantDrive(t, d.SharedCloudDrive)
		if d.Permission == nil || *d.Permission != (UserGroupSharedCloudDrivePermission{ID: "r4", UserGroupID: "g1", SharedCloudDriveID: "d1", PermissionType: PermissionReadWrite}) {
			t.Errorf("permission %+v", d.Permission)
		}
	}

	tests := []struct {
		name, path, query, answer string
		call                      func(t *testing.T, c *Client) error
	}{
		{"users of project", "/userspermission/get_users_assigned_to_project", paging + "projectId=P&username=ad", page(upRow),
			func(t *testing.T, c *Client) error {
				col, err := c.ListUsersAssignedToProject(ctx, "P", opts)
				if err == nil {
					checkUP(t, col)
				}
				return err
			}},
		{"projects of user", "/userspermission/get_projects_assigned_to_user", paging + "userId=U&name=la", page(upRow),
			func(t *testing.T, c *Client) error {
				col, err := c.ListProjectsAssignedToUser(ctx, "U", opts)
				if err == nil {
					checkUP(t, col)
				}
				return err
			}},
		{"users of drive", "/userspermission/get_users_assigned_to_sharedclouddrive", paging + "sharedCloudDriveId=D&username=ad", page(udRow),
			func(t *testing.T, c *Client) error {
				col, err := c.ListUsersAssignedToSharedCloudDrive(ctx, "D", opts)
				if err == nil {
					checkUD(t, col)
				}
				return err
			}},
		{"drives of user", "/userspermission/get_sharedclouddrive_assigned_to_user", paging + "userId=U&name=la", page(udRow),
			func(t *testing.T, c *Client) error {
				col, err := c.ListSharedCloudDrivesAssignedToUser(ctx, "U", opts)
				if err == nil {
					checkUD(t, col)
				}
				return err
			}},
		{"groups of project", "/userspermission/get_usergroups_assigned_to_project", paging + "projectId=P&name=la", page(gpRow),
			func(t *testing.T, c *Client) error {
				col, err := c.ListUserGroupsAssignedToProject(ctx, "P", opts)
				if err == nil {
					checkGP(t, col)
				}
				return err
			}},
		{"projects of group", "/userspermission/get_projects_assigned_to_usergroup", paging + "userGroupId=G&name=la", page(gpRow),
			func(t *testing.T, c *Client) error {
				col, err := c.ListProjectsAssignedToUserGroup(ctx, "G", opts)
				if err == nil {
					checkGP(t, col)
				}
				return err
			}},
		// The vendor's name for this one id is sharedCloudDrive, without Id.
		{"groups of drive", "/userspermission/get_usergroups_assigned_to_sharedclouddrive", paging + "sharedCloudDrive=D&name=la", page(gdRow),
			func(t *testing.T, c *Client) error {
				col, err := c.ListUserGroupsAssignedToSharedCloudDrive(ctx, "D", opts)
				if err == nil {
					checkGD(t, col)
				}
				return err
			}},
		{"drives of group", "/userspermission/get_sharedclouddrive_assigned_to_usergroup", paging + "userGroupId=G&name=la", page(gdRow),
			func(t *testing.T, c *Client) error {
				col, err := c.ListSharedCloudDrivesAssignedToUserGroup(ctx, "G", opts)
				if err == nil {
					checkGD(t, col)
				}
				return err
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mux := setup(t)
			rec := record(mux, tt.path, 200, tt.answer)
			if err := tt.call(t, c); err != nil {
				t.Fatal(err)
			}
			wantRequest(t, rec, "GET", tt.path, tt.query, "")
		})
	}
}

// TestPermissionPagers walks a listing over two pages and checks that the
// required id (the odd one) travels on every page request.
func TestPermissionPagers(t *testing.T) {
	ctx := context.Background()
	gd := func(id string) string {
		return `{"userGroup":{"id":"g-` + id + `"},"sharedCloudDrive":{"id":"d1","name":"Media"},"permission":{"id":"` + id + `","userGroupId":"g-` + id + `","sharedCloudDriveId":"d1","permissionType":1}}`
	}
	c, mux := setup(t)
	var (
		mu      sync.Mutex
		queries []string
	)
	mux.HandleFunc("/userspermission/get_usergroups_assigned_to_sharedclouddrive", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		q.Del(TokenParam)
		mu.Lock()
		queries = append(queries, q.Encode())
		mu.Unlock()
		if q.Get("page") == "1" {
			io.WriteString(w, `{"data":[`+gd("a")+`,`+gd("b")+`],"total":3,"options":{"page":1,"pageSize":2}}`)
			return
		}
		io.WriteString(w, `{"data":[`+gd("c")+`],"total":3,"options":{"page":2,"pageSize":2}}`)
	})
	rows, err := c.UserGroupsAssignedToSharedCloudDrive(ctx, "D", ListOptions{PageSize: 2}).All()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[2].Permission.ID != "c" || rows[0].UserGroup.ID != "g-a" {
		t.Errorf("rows %+v", rows)
	}
	want := []string{"page=1&pagesize=2&sharedCloudDrive=D", "page=2&pagesize=2&sharedCloudDrive=D"}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(queries, " ") != strings.Join(want, " ") {
		t.Errorf("queries %q, want %q", queries, want)
	}
}

func TestPermissionDriveKeyBothSpellings(t *testing.T) {
	for _, key := range []string{"sharedClouDrive", "sharedCloudDrive"} {
		var u UserSharedCloudDrivePermissionDTO
		if err := decodeString(`{"user":{"id":"u1"},"`+key+`":{"id":"d1","name":"Media"},"permission":{"id":"r","permissionType":2}}`, &u); err != nil {
			t.Fatal(err)
		}
		if u.SharedCloudDrive == nil || u.SharedCloudDrive.Name != "Media" || u.User.ID != "u1" || u.Permission.PermissionType != 2 {
			t.Errorf("user row under %s: %+v", key, u)
		}
		var g UserGroupSharedCloudDrivePermissionDTO
		if err := decodeString(`{"userGroup":{"id":"g1"},"`+key+`":{"id":"d1","name":"Media"},"permission":{"id":"r","permissionType":1}}`, &g); err != nil {
			t.Fatal(err)
		}
		if g.SharedCloudDrive == nil || g.SharedCloudDrive.Name != "Media" || g.UserGroup.ID != "g1" || g.Permission.PermissionType != 1 {
			t.Errorf("group row under %s: %+v", key, g)
		}
	}
	// Encoding writes the vendor's keys, typo included.
	b, _ := jsonMarshal(UserSharedCloudDrivePermissionDTO{SharedCloudDrive: &SharedCloudDrive{ID: "d"}})
	if !strings.Contains(string(b), `"sharedClouDrive":`) {
		t.Errorf("user row encodes as %s", b)
	}
	b, _ = jsonMarshal(UserGroupSharedCloudDrivePermissionDTO{SharedCloudDrive: &SharedCloudDrive{ID: "d"}})
	if !strings.Contains(string(b), `"sharedCloudDrive":`) {
		t.Errorf("group row encodes as %s", b)
	}
}

func TestPermissionBatchesCheckedWhole(t *testing.T) {
	ctx := context.Background()
	c, mux := setup(t)
	var calls atomic.Int32
	mux.HandleFunc("/userspermission/", func(w http.ResponseWriter, r *http.Request) { calls.Add(1) })
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"level 3", c.GrantUserGroupProjectPermissions(ctx, []UserGroupProjectPermission{
			{UserGroupID: "g", ProjectID: "p", PermissionType: 1}, {UserGroupID: "g", ProjectID: "q", PermissionType: 3}}),
			"POST /userspermission/usergroups_project_permission: record 2: permissionType 3: want 1 (read) or 2 (readwrite)"},
		{"level 0", c.GrantUserProjectPermissions(ctx, []UserProjectPermission{{UserID: "u", ProjectID: "p"}}),
			"record 1: permissionType 0"},
		{"no group", c.GrantUserGroupSharedCloudDrivePermissions(ctx, []UserGroupSharedCloudDrivePermission{{SharedCloudDriveID: "d", PermissionType: 1}}),
			"POST /userspermission/usergroup_sharedclouddrive_permission: record 1: userGroupId is empty"},
		{"no drive", c.GrantUserSharedCloudDrivePermissions(ctx, []UserSharedCloudDrivePermission{{UserID: "u", PermissionType: 1}}),
			"POST /userspermission/users_sharedclouddrive_permision: record 1: sharedCloudDriveId is empty"},
		{"pair twice", c.GrantUserProjectPermissions(ctx, []UserProjectPermission{
			{UserID: "u", ProjectID: "p", PermissionType: 1}, {UserID: "v", ProjectID: "p", PermissionType: 1}, {UserID: "u", ProjectID: "p", PermissionType: 2}}),
			"record 3: same userId and projectId as record 1"},
		{"put without id", c.SetUserProjectPermissions(ctx, []UserProjectPermission{{UserID: "u", ProjectID: "p", PermissionType: 1}}),
			"PUT /userspermission/users_project_permission: record 1: id is empty"},
		{"put id twice", c.SetUserGroupProjectPermissions(ctx, []UserGroupProjectPermission{
			{ID: "r", UserGroupID: "g", ProjectID: "p", PermissionType: 1}, {ID: "r", UserGroupID: "g", ProjectID: "p", PermissionType: 2}}),
			"record 2: same id as record 1"},
		{"put without project", c.SetUserGroupProjectPermissions(ctx, []UserGroupProjectPermission{{ID: "r", UserGroupID: "g", PermissionType: 1}}),
			"record 1: projectId is empty"},
		{"revoke without id", c.RevokeUserGroupSharedCloudDrivePermission(ctx, ""),
			"DELETE /userspermission/usergroup_sharedclouddrive_permission: id is empty"},
		{"list without id", listErr(c.ListUserGroupsAssignedToSharedCloudDrive(ctx, "", ListOptions{})),
			"GET /userspermission/get_usergroups_assigned_to_sharedclouddrive: sharedCloudDrive is empty"},
	}
	for _, tt := range tests {
		if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, tt.err, tt.want)
		}
	}
	if err := c.GrantUserProjectPermissions(ctx, nil); err != nil {
		t.Errorf("empty batch: %v", err)
	}
	if err := c.SetUserGroupSharedCloudDrivePermissions(ctx, []UserGroupSharedCloudDrivePermission{}); err != nil {
		t.Errorf("empty batch: %v", err)
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("%d requests sent for batches that are bad or empty; want none", n)
	}
}

func listErr[T any](_ *Collection[T], err error) error { return err }

func TestPermissionRetries(t *testing.T) {
	ctx := context.Background()
	t.Run("grant resent after a 503 and a reset", func(t *testing.T) {
		c, mux := setup(t)
		var calls atomic.Int32
		mux.HandleFunc("/userspermission/usergroups_project_permission", func(w http.ResponseWriter, r *http.Request) {
			switch calls.Add(1) {
			case 1:
				w.WriteHeader(503)
			case 2:
				conn, _, _ := w.(http.Hijacker).Hijack()
				conn.Close()
			}
		})
		err := c.GrantUserGroupProjectPermissions(ctx, []UserGroupProjectPermission{{UserGroupID: "g", ProjectID: "p", PermissionType: 2}})
		if err != nil || calls.Load() != 3 {
			t.Errorf("err = %v after %d calls; want success on the third", err, calls.Load())
		}
	})
	t.Run("set resent after a 502", func(t *testing.T) {
		c, mux := setup(t)
		var calls atomic.Int32
		mux.HandleFunc("/userspermission/users_sharedclouddrive_permision", func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 1 {
				w.WriteHeader(502)
			}
		})
		err := c.SetUserSharedCloudDrivePermissions(ctx, []UserSharedCloudDrivePermission{{ID: "r", UserID: "u", SharedCloudDriveID: "d", PermissionType: 1}})
		if err != nil || calls.Load() != 2 {
			t.Errorf("err = %v after %d calls", err, calls.Load())
		}
	})
	t.Run("revoke answered NOT_FOUND on a resend is done", func(t *testing.T) {
		for _, first := range []string{"503", "reset"} {
			c, mux := setup(t)
			var calls atomic.Int32
			mux.HandleFunc("/userspermission/users_project_permission", func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) == 1 {
					if first == "503" {
						w.WriteHeader(503)
						return
					}
					conn, _, _ := w.(http.Hijacker).Hijack()
					conn.Close()
					return
				}
				problem(w, CodeNotFound, "no such permission")
			})
			if err := c.RevokeUserProjectPermission(ctx, "r"); err != nil || calls.Load() != 2 {
				t.Errorf("%s first: err = %v after %d calls; want done after 2", first, err, calls.Load())
			}
		}
	})
	t.Run("revoke answered NOT_FOUND at once is an error", func(t *testing.T) {
		c, mux := setup(t)
		mux.HandleFunc("/userspermission/usergroups_project_permission", func(w http.ResponseWriter, r *http.Request) {
			problem(w, CodeNotFound, "no such permission")
		})
		if err := c.RevokeUserGroupProjectPermission(ctx, "r"); !errors.Is(err, ErrNotFound) {
			t.Errorf("err = %v, want NOT_FOUND", err)
		}
	})
	t.Run("grant not resent after a 499", func(t *testing.T) {
		c, mux := setup(t)
		var calls atomic.Int32
		mux.HandleFunc("/userspermission/users_project_permission", func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			problem(w, CodeNotFound, "no user u")
		})
		err := c.GrantUserProjectPermissions(ctx, []UserProjectPermission{{UserID: "u", ProjectID: "p", PermissionType: 1}})
		if !errors.Is(err, ErrNotFound) || calls.Load() != 1 {
			t.Errorf("err = %v after %d calls", err, calls.Load())
		}
	})
}

func TestParsePermissionLevel(t *testing.T) {
	for in, want := range map[string]PermissionLevel{"read": 1, "READ": 1, "1": 1, " readwrite ": 2, "ReadWrite": 2, "read_write": 2, "2": 2} {
		if got, err := ParsePermissionLevel(in); err != nil || got != want {
			t.Errorf("ParsePermissionLevel(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "write", "3", "0", "admin"} {
		if _, err := ParsePermissionLevel(in); err == nil {
			t.Errorf("ParsePermissionLevel(%q): want an error", in)
		}
	}
	if PermissionRead.String() != "read" || PermissionReadWrite.String() != "readwrite" || PermissionLevel(5).String() != "PermissionLevel(5)" {
		t.Error("String")
	}
}
