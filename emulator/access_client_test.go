package emulator_test

import (
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/emulator"
)

// accessClient returns a client of a deterministic demo emulator, and a
// function that makes another client of it with another token.
func accessClient(t *testing.T) (*clickapi.Client, func(token string) *clickapi.Client) {
	t.Helper()
	e, err := emulator.New(emulator.Options{Token: "access-token", Seed: "demo", Deterministic: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	with := func(token string) *clickapi.Client {
		c, err := clickapi.New(clickapi.Options{BaseURL: srv.URL, Token: token})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	return with(e.Token()), with
}

// The client written from the contract and the emulator agree on every
// access endpoint: what one sends the other reads, both ways.
func TestAccessWithTheClient(t *testing.T) {
	c, with := accessClient(t)
	ctx := t.Context()
	harbor, err := c.FindProject(ctx, "feature film: harbor")
	if err != nil || harbor.Name != "Feature Film: Harbor" || !harbor.Active {
		t.Fatalf("FindProject: %+v, %v", harbor, err)
	}
	if _, err := c.FindProject(ctx, "Pilot Episode"); !errors.Is(err, clickapi.ErrNotFound) {
		t.Fatalf("a soft-deleted project: %v, want ErrNotFound", err)
	}
	archive, err := c.FindSharedCloudDrive(ctx, "Media Archive")
	if err != nil || archive.DriveType != 1 {
		t.Fatalf("FindSharedCloudDrive: %+v, %v", archive, err)
	}
	grace, err := c.FindUser(ctx, "grace.hopper@example.com")
	if err != nil {
		t.Fatal(err)
	}

	// Grace reaches Harbor through Visual Effects only.
	direct, err := c.ProjectsAssignedToUser(ctx, grace.ID, clickapi.ListOptions{}).All()
	if err != nil || len(direct) != 1 || direct[0].Project.Name != "Podcast Season 3" || direct[0].Permission.PermissionType != clickapi.PermissionRead {
		t.Fatalf("grace's direct projects: %+v, %v", direct, err)
	}
	groups, err := c.UserGroupsAssignedToProject(ctx, harbor.ID, clickapi.ListOptions{}).All()
	if err != nil || len(groups) != 4 {
		t.Fatalf("Harbor's groups: %d, %v", len(groups), err)
	}

	// Grant, change the level, revoke: each read back.
	if err := c.GrantUserSharedCloudDrivePermissions(ctx, []clickapi.UserSharedCloudDrivePermission{
		{UserID: grace.ID, SharedCloudDriveID: driveID(t, c, "Legal Vault"), PermissionType: clickapi.PermissionRead}}); err != nil {
		t.Fatal(err)
	}
	drives, err := c.SharedCloudDrivesAssignedToUser(ctx, grace.ID, clickapi.ListOptions{}).All()
	if err != nil || len(drives) != 2 || drives[0].Permission == nil {
		t.Fatalf("grace's drives: %+v, %v", drives, err)
	}
	vault := drives[0] // by name: Legal Vault, Media Archive
	if vault.SharedCloudDrive == nil || vault.SharedCloudDrive.Name != "Legal Vault" || drives[1].SharedCloudDrive.Name != "Media Archive" {
		t.Fatalf("drives by name: %+v", drives)
	}
	p := *vault.Permission
	p.PermissionType = clickapi.PermissionReadWrite
	if err := c.SetUserSharedCloudDrivePermissions(ctx, []clickapi.UserSharedCloudDrivePermission{p}); err != nil {
		t.Fatal(err)
	}
	users, err := c.UsersAssignedToSharedCloudDrive(ctx, vault.SharedCloudDrive.ID, clickapi.ListOptions{}).All()
	if err != nil || len(users) != 1 || users[0].Permission.PermissionType != clickapi.PermissionReadWrite {
		t.Fatalf("the vault's users: %+v, %v", users, err)
	}
	if err := c.RevokeUserSharedCloudDrivePermission(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.RevokeUserSharedCloudDrivePermission(ctx, p.ID); !errors.Is(err, clickapi.ErrNotFound) {
		t.Fatalf("revoking again: %v, want ErrNotFound", err)
	}

	// Group grants, with the vendor's sharedCloudDrive query.
	page, err := c.ListUserGroups(ctx, clickapi.ListOptions{Name: "Design Team"})
	if err != nil || len(page.Data) != 1 {
		t.Fatalf("Design Team: %+v, %v", page, err)
	}
	design := page.Data[0]
	if err := c.GrantUserGroupSharedCloudDrivePermissions(ctx, []clickapi.UserGroupSharedCloudDrivePermission{
		{UserGroupID: design.ID, SharedCloudDriveID: archive.ID, PermissionType: clickapi.PermissionReadWrite}}); err != nil {
		t.Fatal(err)
	}
	onDrive, err := c.UserGroupsAssignedToSharedCloudDrive(ctx, archive.ID, clickapi.ListOptions{Name: "design"}).All()
	if err != nil || len(onDrive) != 1 || onDrive[0].UserGroup.Name != "Design Team" || onDrive[0].Permission.PermissionType != clickapi.PermissionReadWrite {
		t.Fatalf("groups on the archive: %+v, %v", onDrive, err)
	}

	// Users: insert, edit (read-modify-write), details, delete.
	jane, err := c.InsertUser(ctx, clickapi.NewUser{Firstname: "Jane", Lastname: "Doe", Username: "jane@example.com", Email: "jane@example.com", UserType: 32})
	if err != nil || jane.Status != clickapi.UserPending {
		t.Fatalf("InsertUser: %+v, %v", jane, err)
	}
	jane.Lastname = "Roe"
	edited, err := c.EditUser(ctx, *jane)
	if err != nil || edited.Lastname != "Roe" || edited.Firstname != "Jane" {
		t.Fatalf("EditUser: %+v, %v", edited, err)
	}
	details, err := c.UsersWithDetails(ctx, clickapi.ListOptions{Username: "ada.lovelace"}).All()
	if err != nil || len(details) != 1 || len(details[0].UserGroups) != 2 || len(details[0].Projects) != 2 {
		t.Fatalf("ada's details: %+v, %v", details, err)
	}
	if err := c.DeleteUser(ctx, jane.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.FindUser(ctx, "jane@example.com"); !errors.Is(err, clickapi.ErrNotFound) {
		t.Fatalf("a deleted user: %v, want ErrNotFound", err)
	}

	// API tokens: minted, used, deleted.
	tok, err := c.InsertAPIToken(ctx, clickapi.NewAPIToken{Title: "watch", ExpirationDate: "2027-01-01T00:00:00Z"})
	if err != nil || tok.Token.Reveal() == "" || tok.ExpirationDate != "2027-01-01T00:00:00Z" {
		t.Fatalf("InsertAPIToken: %+v, %v", tok, err)
	}
	withToken := with(tok.Token.Reveal())
	if _, err := withToken.ListProjects(ctx, clickapi.ListOptions{}); err != nil {
		t.Fatalf("the API token: %v", err)
	}
	list, err := c.APITokens(ctx)
	if err != nil || len(list) != 1 || list[0].ID != tok.ID {
		t.Fatalf("APITokens: %+v, %v", list, err)
	}
	if err := c.DeleteAPIToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := withToken.ListProjects(ctx, clickapi.ListOptions{}); !errors.Is(err, clickapi.ErrUnauthorized) {
		t.Fatalf("the deleted API token: %v, want ErrUnauthorized", err)
	}
}

// driveID finds a drive's id by name.
func driveID(t *testing.T, c *clickapi.Client, name string) string {
	t.Helper()
	d, err := c.FindSharedCloudDrive(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}
