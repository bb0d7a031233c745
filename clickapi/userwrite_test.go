package clickapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func TestUserWriteRequests(t *testing.T) {
	ctx := context.Background()
	t.Run("insert_user", func(t *testing.T) {
		c, mux := setup(t)
		rec := record(mux, "/user/insert_user", 200, userJSON)
		u, err := c.InsertUser(ctx, NewUser{Firstname: "Ada", Lastname: "Lovelace", Username: "ada@example.com", UserType: 32})
		if err != nil {
			t.Fatal(err)
		}
		// The vendor's sample body, key for key: firstname/lastname in
		// lowercase, email defaulting to the username.
		wantRequest(t, rec, "POST", "/user/insert_user", "",
			`{"firstname":"Ada","lastname":"Lovelace","username":"ada@example.com","email":"ada@example.com","userType":32}`)
		if u.ID != "u1" || u.Username != "ada@example.com" {
			t.Errorf("user %+v", u)
		}
	})
	t.Run("edit_user sends the whole user", func(t *testing.T) {
		c, mux := setup(t)
		rec := record(mux, "/user/edit_user", 200, strings.Replace(userJSON, `"userType":64`, `"userType":16`, 1))
		in := User{ID: "u1", Firstname: "Ada", Lastname: "Lovelace", Username: "ada@example.com", Email: "ada@example.com",
			UserType: 16, Status: UserActive, CreateDate: "2026-01-01T00:00:00Z"}
		u, err := c.EditUser(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := jsonMarshal(in)
		wantRequest(t, rec, "PUT", "/user/edit_user", "", string(body))
		for _, key := range []string{`"id":"u1"`, `"firstname":"Ada"`, `"lastname":"Lovelace"`, `"username":`, `"email":`, `"userType":16`, `"status":1`} {
			if !strings.Contains(string(body), key) {
				t.Errorf("edit body %s lacks %s", body, key)
			}
		}
		if u.UserType != 16 {
			t.Errorf("answer %+v", u)
		}
	})
	t.Run("delete_user", func(t *testing.T) {
		c, mux := setup(t)
		rec := record(mux, "/user/delete_user", 200, "")
		if err := c.DeleteUser(ctx, "u1"); err != nil {
			t.Fatal(err)
		}
		wantRequest(t, rec, "DELETE", "/user/delete_user", "id=u1", "")
	})
	t.Run("get_all_users_with_details", func(t *testing.T) {
		c, mux := setup(t)
		rec := record(mux, "/user/get_all_users_with_details", 200, page(userJSON))
		col, err := c.ListUsersWithDetails(ctx, ListOptions{PageSize: 5, Username: "ada", Name: "not sent"})
		if err != nil {
			t.Fatal(err)
		}
		wantRequest(t, rec, "GET", "/user/get_all_users_with_details", "pagesize=5&username=ada", "")
		if len(col.Data) != 1 || col.Data[0].ID != "u1" || col.Data[0].Firstname != "Ada" {
			t.Errorf("rows %+v", col.Data)
		}
	})
	t.Run("bad input sends nothing", func(t *testing.T) {
		c, mux := setup(t)
		var calls atomic.Int32
		mux.HandleFunc("/user/", func(w http.ResponseWriter, r *http.Request) { calls.Add(1) })
		long := strings.Repeat("é", 51)
		for _, tt := range []struct {
			err  error
			want string
		}{
			{errOnly(c.InsertUser(ctx, NewUser{Username: "ada@example.com"})), "POST /user/insert_user: userType 0"},
			{errOnly(c.InsertUser(ctx, NewUser{Username: "ada", UserType: 64})), `POST /user/insert_user: username "ada" is not an email address`},
			{errOnly(c.InsertUser(ctx, NewUser{UserType: 64})), "POST /user/insert_user: username is empty"},
			{errOnly(c.InsertUser(ctx, NewUser{Username: "a@b.c", Email: "Ada <a@b.c>", UserType: 64})), `email "Ada <a@b.c>" is not an email address`},
			{errOnly(c.InsertUser(ctx, NewUser{Username: "a@b.c", Firstname: long, UserType: 64})), "POST /user/insert_user: firstname: at most 50 characters (got 51)"},
			{errOnly(c.EditUser(ctx, User{Username: "a@b.c"})), "PUT /user/edit_user: id is empty"},
			{errOnly(c.EditUser(ctx, User{ID: "u1"})), "PUT /user/edit_user: username is empty"},
			{c.DeleteUser(ctx, ""), "DELETE /user/delete_user: id is empty"},
		} {
			if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", tt.err, tt.want)
			}
		}
		if calls.Load() != 0 {
			t.Errorf("%d requests sent", calls.Load())
		}
	})
}

func TestUserDetailsBothNamings(t *testing.T) {
	group := `{"user":{"id":"u1"},"userGroup":` + groupJSON + `,"userUserGroup":{"id":"m1","userId":"u1","userGroupId":"g1"}}`
	proj := `{"user":{"id":"u1"},"project":` + projectJSON + `,"permission":{"id":"r1","userId":"u1","projectId":"p1","permissionType":2}}`
	drive := `{"user":{"id":"u1"},"sharedClouDrive":` + driveJSON + `,"permission":{"id":"r2","userId":"u1","sharedCloudDriveId":"d1","permissionType":1}}`
	base := strings.TrimSuffix(userJSON, "}")
	for name, body := range map[string]string{
		"click": base + `,"userGroups":[` + group + `],"projects":[` + proj + `],"sharedCloudDrives":[` + drive + `]}`,
		"web":   base + `,"groups":[` + group + `],"projectsData":[` + proj + `],"drivesData":[` + drive + `]}`,
	} {
		var u UserWithDetails
		if err := decodeString(body, &u); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if u.ID != "u1" || u.Username != "ada@example.com" || u.Firstname != "Ada" {
			t.Errorf("%s: user %+v", name, u.User)
		}
		if len(u.UserGroups) != 1 || u.UserGroups[0].UserGroup.Name != "Design Team" || u.UserGroups[0].UserUserGroup.ID != "m1" {
			t.Errorf("%s: groups %+v", name, u.UserGroups)
		}
		if len(u.Projects) != 1 || u.Projects[0].Project.Name != "Launch" || u.Projects[0].Permission.PermissionType != PermissionReadWrite {
			t.Errorf("%s: projects %+v", name, u.Projects)
		}
		if len(u.SharedCloudDrives) != 1 || u.SharedCloudDrives[0].SharedCloudDrive.Name != "Media" || u.SharedCloudDrives[0].Permission.ID != "r2" {
			t.Errorf("%s: drives %+v", name, u.SharedCloudDrives)
		}
	}
	// Encoding writes the Click names.
	b, _ := jsonMarshal(UserWithDetails{User: User{ID: "u1"}})
	for _, key := range []string{`"id":"u1"`, `"userGroups":`, `"projects":`, `"sharedCloudDrives":`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("encoded %s lacks %s", b, key)
		}
	}
}

// userServer is an agent's user controller in memory for insert retries.
type userServer struct {
	mu      sync.Mutex
	users   map[string]string // username -> JSON row
	inserts atomic.Int32
	fail    func(attempt int) string // "", "drop-after", "503-before", "dup"
}

func (s *userServer) register(mux *http.ServeMux) {
	mux.HandleFunc("/user/get_all_users", func(w http.ResponseWriter, r *http.Request) {
		name := strings.ToLower(r.URL.Query().Get("username"))
		s.mu.Lock()
		defer s.mu.Unlock()
		var rows []string
		for u, row := range s.users {
			if strings.Contains(u, name) {
				rows = append(rows, row)
			}
		}
		io.WriteString(w, page(rows...))
	})
	mux.HandleFunc("/user/insert_user", func(w http.ResponseWriter, r *http.Request) {
		how := s.fail(int(s.inserts.Add(1)))
		switch how {
		case "503-before":
			w.WriteHeader(503)
			return
		case "dup":
			problem(w, CodeDuplicate, "username taken")
			return
		}
		row := `{"id":"new","username":"grace@example.com","userType":64,"status":4}`
		s.mu.Lock()
		s.users["grace@example.com"] = row
		s.mu.Unlock()
		if how == "drop-after" {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
		io.WriteString(w, row)
	})
}

func TestInsertUserNeverTwice(t *testing.T) {
	ctx := context.Background()
	nu := NewUser{Username: "grace@example.com", UserType: 64}
	others := map[string]string{"grace@example.com.au": `{"id":"other","username":"grace@example.com.au"}`}
	t.Run("landed", func(t *testing.T) {
		c, mux := setup(t)
		s := &userServer{users: others, fail: func(int) string { return "drop-after" }}
		s.register(mux)
		u, err := c.InsertUser(ctx, nu)
		if err != nil || u.ID != "new" || s.inserts.Load() != 1 {
			t.Errorf("user %+v, %v after %d inserts; want the landed one after 1", u, err, s.inserts.Load())
		}
	})
	t.Run("not landed", func(t *testing.T) {
		c, mux := setup(t)
		s := &userServer{users: map[string]string{}, fail: func(n int) string {
			if n == 1 {
				return "503-before"
			}
			return ""
		}}
		s.register(mux)
		u, err := c.InsertUser(ctx, nu)
		if err != nil || u.ID != "new" || s.inserts.Load() != 2 {
			t.Errorf("user %+v, %v after %d inserts", u, err, s.inserts.Load())
		}
	})
	t.Run("duplicate at once is an error", func(t *testing.T) {
		c, mux := setup(t)
		s := &userServer{users: map[string]string{}, fail: func(int) string { return "dup" }}
		s.register(mux)
		if _, err := c.InsertUser(ctx, nu); !errors.Is(err, ErrDuplicate) || s.inserts.Load() != 1 {
			t.Errorf("err = %v after %d inserts", err, s.inserts.Load())
		}
	})
}
