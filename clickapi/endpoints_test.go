package clickapi_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/emulator"
)

// newEmulatorClient returns a client of a fresh deterministic demo emulator.
func newEmulatorClient(t *testing.T, opts emulator.Options) (*clickapi.Client, *emulator.Emulator) {
	t.Helper()
	opts.Deterministic = true
	if opts.Seed == "" {
		opts.Seed = "demo"
	}
	if opts.Token == "" {
		opts.Token = "tok-endpoints"
	}
	em, err := emulator.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(em)
	t.Cleanup(func() { srv.Close(); em.Close() })
	c, err := clickapi.New(clickapi.Options{BaseURL: srv.URL, Token: em.Token()})
	if err != nil {
		t.Fatal(err)
	}
	return c, em
}

func TestEveryEndpointAgainstTheEmulator(t *testing.T) {
	ctx := context.Background()
	c, _ := newEmulatorClient(t, emulator.Options{})

	status, err := c.AgentStatus(ctx)
	if err != nil || status != clickapi.AgentStarted {
		t.Fatalf("AgentStatus = %v, %v", status, err)
	}

	page, err := c.ListUserGroups(ctx, clickapi.ListOptions{PageSize: 5, Name: "MARKETING"})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 3 || len(page.Data) != 3 || page.Options.Page != 1 || page.Options.PageSize != 5 {
		t.Fatalf("filtered page: %+v", page)
	}
	for _, g := range page.Data {
		if !strings.Contains(strings.ToLower(g.Name), "marketing") || g.ID == "" || g.AccountID == "" || g.Deleted {
			t.Errorf("group %+v", g)
		}
	}

	all, err := c.UserGroups(ctx, clickapi.ListOptions{PageSize: 7}).All()
	if err != nil || len(all) != 41 {
		t.Fatalf("UserGroups: %d groups, %v", len(all), err)
	}
	for i := 1; i < len(all); i++ {
		if strings.ToLower(all[i-1].Name) > strings.ToLower(all[i].Name) {
			t.Errorf("not sorted by name: %q before %q", all[i-1].Name, all[i].Name)
		}
	}
	desc, err := c.ListUserGroups(ctx, clickapi.ListOptions{PageSize: 1, SortField: "Name", Descending: true})
	if err != nil || desc.Data[0].Name != all[len(all)-1].Name {
		t.Errorf("descending first = %v, %v; want %q", desc, err, all[len(all)-1].Name)
	}

	details, err := c.ListUserGroupsWithDetails(ctx, clickapi.ListOptions{Name: "Design Team"})
	if err != nil || len(details.Data) != 1 {
		t.Fatalf("details: %+v, %v", details, err)
	}
	d := details.Data[0]
	if len(d.UsersData) != 17 || d.UsersData[0].User == nil || d.UsersData[0].UserUserGroup == nil || d.ProjectsData == nil || d.DrivesData == nil {
		t.Errorf("details of Design Team: %d users, projects %v, drives %v", len(d.UsersData), d.ProjectsData, d.DrivesData)
	}
	withDetails, err := c.UserGroupsWithDetails(ctx, clickapi.ListOptions{PageSize: 10}).All()
	if err != nil || len(withDetails) != 41 {
		t.Errorf("UserGroupsWithDetails: %d, %v", len(withDetails), err)
	}
	projects, drives := 0, 0
	for _, g := range withDetails {
		projects += len(g.ProjectsData)
		drives += len(g.DrivesData)
	}
	if projects == 0 || drives == 0 {
		t.Errorf("demo data inlines %d projects and %d drives, want some of each", projects, drives)
	}

	g, err := c.InsertUserGroup(ctx, clickapi.NewUserGroup{Name: "Night Shift", Description: "late", Active: true})
	if err != nil || g.ID == "" || g.Name != "Night Shift" || !g.Active {
		t.Fatalf("insert: %+v, %v", g, err)
	}
	if _, err := c.InsertUserGroup(ctx, clickapi.NewUserGroup{Name: "night SHIFT"}); !errors.Is(err, clickapi.ErrDuplicate) {
		t.Errorf("duplicate insert: %v", err)
	}
	g, err = c.UpdateUserGroup(ctx, clickapi.UserGroupUpdate{ID: g.ID, Name: "Night Crew", Description: "later", Active: false})
	if err != nil || g.Name != "Night Crew" || g.Active || g.Description != "later" {
		t.Fatalf("update: %+v, %v", g, err)
	}

	users, err := c.ListUsers(ctx, clickapi.ListOptions{PageSize: 3, Username: "ADA."})
	if err != nil || users.Total < 3 || len(users.Data) != 3 {
		t.Fatalf("users: %+v, %v", users, err)
	}
	allUsers, err := c.Users(ctx, clickapi.ListOptions{PageSize: 100}).All()
	if err != nil || len(allUsers) < 100 {
		t.Fatalf("Users: %d, %v", len(allUsers), err)
	}

	pairs := []clickapi.UserUserGroup{{UserID: users.Data[0].ID, UserGroupID: g.ID}, {UserID: users.Data[1].ID, UserGroupID: g.ID}}
	if err := c.AssignUsers(ctx, pairs); err != nil {
		t.Fatal(err)
	}
	if err := c.AssignUsers(ctx, pairs); err != nil { // idempotent
		t.Fatal(err)
	}
	members, err := c.ListAssignedUsers(ctx, g.ID, clickapi.ListOptions{})
	if err != nil || members.Total != 2 {
		t.Fatalf("members: %+v, %v", members, err)
	}
	m := members.Data[0]
	if m.User == nil || m.UserUserGroup == nil || m.UserUserGroup.UserGroupID != g.ID || m.UserUserGroup.UserID != m.User.ID {
		t.Errorf("member row %+v", m)
	}
	filtered, err := c.ListAssignedUsers(ctx, g.ID, clickapi.ListOptions{Username: strings.ToUpper(users.Data[1].Username)})
	if err != nil || filtered.Total != 1 {
		t.Errorf("member filter: %+v, %v", filtered, err)
	}

	groupsOf, err := c.AssignedUserGroups(ctx, users.Data[0].ID, clickapi.ListOptions{PageSize: 2}).All()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, row := range groupsOf {
		if row.UserGroup != nil && row.UserGroup.ID == g.ID {
			found = true
		}
	}
	if !found {
		t.Errorf("groups of %s lack %s: %+v", users.Data[0].Username, g.Name, groupsOf)
	}
	one, err := c.ListAssignedUserGroups(ctx, users.Data[0].ID, clickapi.ListOptions{Name: "night"})
	if err != nil || one.Total != 1 {
		t.Errorf("groups_of filter: %+v, %v", one, err)
	}

	if err := c.UnassignUser(ctx, m.UserUserGroup.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.UnassignUser(ctx, m.UserUserGroup.ID); !errors.Is(err, clickapi.ErrNotFound) {
		t.Errorf("second unassign: %v, want ErrNotFound", err)
	}

	err = c.ImportUsers(ctx, []clickapi.UserUserGroupRelation{
		{User: clickapi.ImportUser{Username: "new.person@example.com", FirstName: "New", LastName: "Person"}, UserGroups: []clickapi.GroupRef{{ID: g.ID}}},
		{User: clickapi.ImportUser{Username: strings.ToUpper(users.Data[2].Username)}, UserGroups: []clickapi.GroupRef{{Name: "night crew"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	members, err = c.ListAssignedUsers(ctx, g.ID, clickapi.ListOptions{})
	if err != nil || members.Total != 3 {
		t.Fatalf("after import: %d members, %v", members.Total, err)
	}
	created, err := c.ListUsers(ctx, clickapi.ListOptions{Username: "new.person@example.com"})
	if err != nil || created.Total != 1 || created.Data[0].Firstname != "New" || created.Data[0].Lastname != "Person" {
		t.Errorf("imported user: %+v, %v", created, err)
	}

	if err := c.DeleteUserGroup(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	gone, err := c.ListUserGroups(ctx, clickapi.ListOptions{Name: "Night Crew"})
	if err != nil || gone.Total != 0 {
		t.Errorf("deleted group still listed: %+v, %v", gone, err)
	}
	after, err := c.ListAssignedUserGroups(ctx, users.Data[1].ID, clickapi.ListOptions{Name: "night"})
	if err != nil || after.Total != 0 {
		t.Errorf("deleted group still in groups_of: %+v, %v", after, err)
	}
	if err := c.DeleteUserGroup(ctx, g.ID); !errors.Is(err, clickapi.ErrNotFound) {
		t.Errorf("second delete: %v, want ErrNotFound", err)
	}
}

func TestLoginAgainstTheEmulator(t *testing.T) {
	ctx := context.Background()
	t.Run("no challenge", func(t *testing.T) {
		c, _ := newEmulatorClient(t, emulator.Options{Username: "ops@example.com", Password: "pw"})
		c.SetToken("")
		if _, err := c.ListUserGroups(ctx, clickapi.ListOptions{}); !errors.Is(err, clickapi.ErrUnauthorized) {
			t.Fatalf("without token: %v", err)
		}
		if _, err := c.Login(ctx, clickapi.LoginRequest{Username: "ops@example.com", Password: "wrong", Type: clickapi.DesktopAdmin}); err == nil {
			t.Fatal("wrong password accepted")
		}
		res, err := c.Login(ctx, clickapi.LoginRequest{Username: "OPS@example.com", Password: "pw", Type: clickapi.DesktopAdmin})
		if err != nil || res.JWTToken == "" || res.Challenge != clickapi.ChallengeNone {
			t.Fatalf("login: %+v, %v", res, err)
		}
		c.SetToken(res.JWTToken)
		if _, err := c.ListUserGroups(ctx, clickapi.ListOptions{}); err != nil {
			t.Fatalf("with the login token: %v", err)
		}
	})
	t.Run("TOTP challenge", func(t *testing.T) {
		c, _ := newEmulatorClient(t, emulator.Options{MFACode: "123456"})
		res, err := c.Login(ctx, clickapi.LoginRequest{Username: "admin@example.com", Password: "admin", Type: clickapi.DesktopAdmin})
		if err != nil || res.JWTToken != "" || res.Challenge != clickapi.ChallengeTOTP || res.Session == "" {
			t.Fatalf("login: %+v, %v", res, err)
		}
		if _, err := c.MFARespond(ctx, clickapi.MFARequest{Session: res.Session, UserCode: "000000"}); err == nil {
			t.Fatal("wrong code accepted")
		}
		done, err := c.MFARespond(ctx, clickapi.MFARequest{Session: res.Session, UserCode: "123456"})
		if err != nil || done.JWTToken == "" {
			t.Fatalf("mfa_respond: %+v, %v", done, err)
		}
		c.SetToken(done.JWTToken)
		if _, err := c.ListUserGroups(ctx, clickapi.ListOptions{}); err != nil {
			t.Fatalf("with the MFA token: %v", err)
		}
	})
}

func TestPagerOverTheEmulator(t *testing.T) {
	c, _ := newEmulatorClient(t, emulator.Options{Seed: "none", Groups: 1000})
	p := c.UserGroups(context.Background(), clickapi.ListOptions{PageSize: 50})
	seen := map[string]bool{}
	prev := ""
	for {
		g, ok := p.Next()
		if !ok {
			break
		}
		if seen[g.ID] || g.Name <= prev {
			t.Fatalf("group %q out of order or repeated after %q", g.Name, prev)
		}
		seen[g.ID], prev = true, g.Name
	}
	if p.Err() != nil || len(seen) != 1000 {
		t.Fatalf("%d groups, %v", len(seen), p.Err())
	}
}
