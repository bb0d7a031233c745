package clickapi

import (
	"context"
	"fmt"
	"net/url"
)

// This file speaks the 20 userspermission endpoints (contract section 9):
// for each of user-project, user-drive, group-project and group-drive, a
// POST that grants, a PUT that changes levels, a DELETE that revokes, and
// two paged reads, one from each side.
//
// Every batch is checked whole before anything is sent: ids present, the
// level 1 (read) or 2 (readwrite), no pair (or, for a PUT, no record id)
// twice. An empty batch sends nothing. A grant leaves the record ids out;
// a level change sends whole records, ids included. Grants are resent
// after a failure like reads (I22), level changes because they are
// idempotent, and a revoke answered NOT_FOUND on a resend counts as done
// (I11).

// permissionRecord is implemented by the four permission record types.
type permissionRecord[T any] interface {
	recordID() string
	level() PermissionLevel
	// ends returns the query names and values of the record's subject
	// (user or group) and object (project or drive).
	ends() (subjectKey, subject, objectKey, object string)
	withoutID() T
}

func (p UserProjectPermission) recordID() string       { return p.ID }
func (p UserProjectPermission) level() PermissionLevel { return p.PermissionType }
func (p UserProjectPermission) ends() (string, string, string, string) {
	return "userId", p.UserID, "projectId", p.ProjectID
}
func (p UserProjectPermission) withoutID() UserProjectPermission { p.ID = ""; return p }

func (p UserSharedCloudDrivePermission) recordID() string       { return p.ID }
func (p UserSharedCloudDrivePermission) level() PermissionLevel { return p.PermissionType }
func (p UserSharedCloudDrivePermission) ends() (string, string, string, string) {
	return "userId", p.UserID, "sharedCloudDriveId", p.SharedCloudDriveID
}
func (p UserSharedCloudDrivePermission) withoutID() UserSharedCloudDrivePermission {
	p.ID = ""
	return p
}

func (p UserGroupProjectPermission) recordID() string       { return p.ID }
func (p UserGroupProjectPermission) level() PermissionLevel { return p.PermissionType }
func (p UserGroupProjectPermission) ends() (string, string, string, string) {
	return "userGroupId", p.UserGroupID, "projectId", p.ProjectID
}
func (p UserGroupProjectPermission) withoutID() UserGroupProjectPermission { p.ID = ""; return p }

func (p UserGroupSharedCloudDrivePermission) recordID() string       { return p.ID }
func (p UserGroupSharedCloudDrivePermission) level() PermissionLevel { return p.PermissionType }
func (p UserGroupSharedCloudDrivePermission) ends() (string, string, string, string) {
	return "userGroupId", p.UserGroupID, "sharedCloudDriveId", p.SharedCloudDriveID
}
func (p UserGroupSharedCloudDrivePermission) withoutID() UserGroupSharedCloudDrivePermission {
	p.ID = ""
	return p
}

// checkPermissions validates a batch whole; withID is true for a PUT.
// Errors name the endpoint and the record (1-based).
func checkPermissions[T permissionRecord[T]](endpoint string, recs []T, withID bool) error {
	seen := make(map[string]int, len(recs))
	for i, r := range recs {
		where := fmt.Sprintf("%s: record %d", endpoint, i+1)
		sk, s, ok, o := r.ends()
		switch {
		case withID && r.recordID() == "":
			return fmt.Errorf("%s: id is empty (a level change needs the permission record's id)", where)
		case s == "":
			return fmt.Errorf("%s: %s is empty", where, sk)
		case o == "":
			return fmt.Errorf("%s: %s is empty", where, ok)
		case !r.level().Valid():
			return fmt.Errorf("%s: permissionType %d: want 1 (read) or 2 (readwrite)", where, int(r.level()))
		}
		key, what := s+"\x00"+o, sk+" and "+ok
		if withID {
			key, what = r.recordID(), "id"
		}
		if j, dup := seen[key]; dup {
			return fmt.Errorf("%s: same %s as record %d", where, what, j)
		}
		seen[key] = i + 1
	}
	return nil
}

// grantPermissions POSTs recs, without their ids.
func grantPermissions[T permissionRecord[T]](ctx context.Context, c *Client, route string, recs []T) error {
	r := call{method: "POST", route: route, idempotent: RetryPermissionGrant}
	if err := checkPermissions(r.endpoint(), recs, false); err != nil {
		return err
	}
	if len(recs) == 0 {
		return nil
	}
	body := make([]T, len(recs))
	for i, p := range recs {
		body[i] = p.withoutID()
	}
	r.body = body
	return c.do(ctx, r, nil)
}

// setPermissions PUTs whole records, ids included.
func setPermissions[T permissionRecord[T]](ctx context.Context, c *Client, route string, recs []T) error {
	r := call{method: "PUT", route: route, idempotent: true}
	if err := checkPermissions(r.endpoint(), recs, true); err != nil {
		return err
	}
	if len(recs) == 0 {
		return nil
	}
	r.body = recs
	return c.do(ctx, r, nil)
}

// revokePermission DELETEs one record by its id.
func revokePermission(ctx context.Context, c *Client, route, id string) error {
	r := call{method: "DELETE", route: route, query: url.Values{"id": {id}}, idempotent: true, deletes: true}
	if id == "" {
		return fmt.Errorf("%s: id is empty", r.endpoint())
	}
	return c.do(ctx, r, nil)
}

// listBy reads one page of a listing that requires the id param=id.
func listBy[T any](ctx context.Context, c *Client, route, param, id, filter string, opts ListOptions) (*Collection[T], error) {
	if id == "" {
		return nil, fmt.Errorf("GET %s: %s is empty", route, param)
	}
	return list[T](ctx, c, route, filter, url.Values{param: {id}}, opts)
}

func userProjectKey(d UserProjectPermissionDTO) string {
	if d.Permission != nil {
		return d.Permission.ID
	}
	return idOfUser(d.User) + "\x00" + idOfProject(d.Project)
}

func userDriveKey(d UserSharedCloudDrivePermissionDTO) string {
	if d.Permission != nil {
		return d.Permission.ID
	}
	return idOfUser(d.User) + "\x00" + idOfDrive(d.SharedCloudDrive)
}

func groupProjectKey(d UserGroupProjectPermissionDTO) string {
	if d.Permission != nil {
		return d.Permission.ID
	}
	return idOfGroup(d.UserGroup) + "\x00" + idOfProject(d.Project)
}

func groupDriveKey(d UserGroupSharedCloudDrivePermissionDTO) string {
	if d.Permission != nil {
		return d.Permission.ID
	}
	return idOfGroup(d.UserGroup) + "\x00" + idOfDrive(d.SharedCloudDrive)
}

func idOfUser(u *User) string {
	if u == nil {
		return ""
	}
	return u.ID
}

func idOfGroup(g *UserGroup) string {
	if g == nil {
		return ""
	}
	return g.ID
}

func idOfProject(p *Project) string {
	if p == nil {
		return ""
	}
	return p.ID
}

func idOfDrive(d *SharedCloudDrive) string {
	if d == nil {
		return ""
	}
	return d.ID
}

// User <-> project.

// GrantUserProjectPermissions gives users access to projects, in one call
// (POST /userspermission/users_project_permission). The records' ids are
// left out.
func (c *Client) GrantUserProjectPermissions(ctx context.Context, grants []UserProjectPermission) error {
	return grantPermissions(ctx, c, RouteUserProjectPermission, grants)
}

// SetUserProjectPermissions changes the level of existing records, given
// whole with their ids (PUT /userspermission/users_project_permission).
func (c *Client) SetUserProjectPermissions(ctx context.Context, perms []UserProjectPermission) error {
	return setPermissions(ctx, c, RouteUserProjectPermission, perms)
}

// RevokeUserProjectPermission removes one record, by its id
// (DELETE /userspermission/users_project_permission).
func (c *Client) RevokeUserProjectPermission(ctx context.Context, id string) error {
	return revokePermission(ctx, c, RouteUserProjectPermission, id)
}

// ListUsersAssignedToProject returns one page of the users granted access
// to a project (GET /userspermission/get_users_assigned_to_project). It
// uses opts.Username as the filter.
func (c *Client) ListUsersAssignedToProject(ctx context.Context, projectID string, opts ListOptions) (*Collection[UserProjectPermissionDTO], error) {
	return listBy[UserProjectPermissionDTO](ctx, c, RouteUsersAssignedToProject, ParamProjectID, projectID, "username", opts)
}

// UsersAssignedToProject walks every page of ListUsersAssignedToProject.
func (c *Client) UsersAssignedToProject(ctx context.Context, projectID string, opts ListOptions) *Pager[UserProjectPermissionDTO] {
	return pager(ctx, c, RouteUsersAssignedToProject, opts, userProjectKey, func(ctx context.Context, o ListOptions) (*Collection[UserProjectPermissionDTO], error) {
		return c.ListUsersAssignedToProject(ctx, projectID, o)
	})
}

// ListProjectsAssignedToUser returns one page of the projects a user was
// granted directly (GET /userspermission/get_projects_assigned_to_user).
// It uses opts.Name as the filter.
func (c *Client) ListProjectsAssignedToUser(ctx context.Context, userID string, opts ListOptions) (*Collection[UserProjectPermissionDTO], error) {
	return listBy[UserProjectPermissionDTO](ctx, c, RouteProjectsAssignedToUser, ParamUserID, userID, "name", opts)
}

// ProjectsAssignedToUser walks every page of ListProjectsAssignedToUser.
func (c *Client) ProjectsAssignedToUser(ctx context.Context, userID string, opts ListOptions) *Pager[UserProjectPermissionDTO] {
	return pager(ctx, c, RouteProjectsAssignedToUser, opts, userProjectKey, func(ctx context.Context, o ListOptions) (*Collection[UserProjectPermissionDTO], error) {
		return c.ListProjectsAssignedToUser(ctx, userID, o)
	})
}

// User <-> shared cloud drive.

// GrantUserSharedCloudDrivePermissions gives users access to drives, in
// one call (POST /userspermission/users_sharedclouddrive_permision, the
// vendor's spelling).
func (c *Client) GrantUserSharedCloudDrivePermissions(ctx context.Context, grants []UserSharedCloudDrivePermission) error {
	return grantPermissions(ctx, c, RouteUserDrivePermission, grants)
}

// SetUserSharedCloudDrivePermissions changes the level of existing records
// (PUT /userspermission/users_sharedclouddrive_permision).
func (c *Client) SetUserSharedCloudDrivePermissions(ctx context.Context, perms []UserSharedCloudDrivePermission) error {
	return setPermissions(ctx, c, RouteUserDrivePermission, perms)
}

// RevokeUserSharedCloudDrivePermission removes one record, by its id
// (DELETE /userspermission/users_sharedclouddrive_permision).
func (c *Client) RevokeUserSharedCloudDrivePermission(ctx context.Context, id string) error {
	return revokePermission(ctx, c, RouteUserDrivePermission, id)
}

// ListUsersAssignedToSharedCloudDrive returns one page of the users granted
// access to a drive (GET /userspermission/get_users_assigned_to_sharedclouddrive).
// It uses opts.Username as the filter.
func (c *Client) ListUsersAssignedToSharedCloudDrive(ctx context.Context, driveID string, opts ListOptions) (*Collection[UserSharedCloudDrivePermissionDTO], error) {
	return listBy[UserSharedCloudDrivePermissionDTO](ctx, c, RouteUsersAssignedToDrive, ParamSharedCloudDriveID, driveID, "username", opts)
}

// UsersAssignedToSharedCloudDrive walks every page of ListUsersAssignedToSharedCloudDrive.
func (c *Client) UsersAssignedToSharedCloudDrive(ctx context.Context, driveID string, opts ListOptions) *Pager[UserSharedCloudDrivePermissionDTO] {
	return pager(ctx, c, RouteUsersAssignedToDrive, opts, userDriveKey, func(ctx context.Context, o ListOptions) (*Collection[UserSharedCloudDrivePermissionDTO], error) {
		return c.ListUsersAssignedToSharedCloudDrive(ctx, driveID, o)
	})
}

// ListSharedCloudDrivesAssignedToUser returns one page of the drives a user
// was granted directly (GET /userspermission/get_sharedclouddrive_assigned_to_user).
// It uses opts.Name as the filter.
func (c *Client) ListSharedCloudDrivesAssignedToUser(ctx context.Context, userID string, opts ListOptions) (*Collection[UserSharedCloudDrivePermissionDTO], error) {
	return listBy[UserSharedCloudDrivePermissionDTO](ctx, c, RouteDrivesAssignedToUser, ParamUserID, userID, "name", opts)
}

// SharedCloudDrivesAssignedToUser walks every page of ListSharedCloudDrivesAssignedToUser.
func (c *Client) SharedCloudDrivesAssignedToUser(ctx context.Context, userID string, opts ListOptions) *Pager[UserSharedCloudDrivePermissionDTO] {
	return pager(ctx, c, RouteDrivesAssignedToUser, opts, userDriveKey, func(ctx context.Context, o ListOptions) (*Collection[UserSharedCloudDrivePermissionDTO], error) {
		return c.ListSharedCloudDrivesAssignedToUser(ctx, userID, o)
	})
}

// Group <-> project.

// GrantUserGroupProjectPermissions gives groups access to projects, in one
// call (POST /userspermission/usergroups_project_permission). A group's
// grant applies to every member.
func (c *Client) GrantUserGroupProjectPermissions(ctx context.Context, grants []UserGroupProjectPermission) error {
	return grantPermissions(ctx, c, RouteGroupProjectPermission, grants)
}

// SetUserGroupProjectPermissions changes the level of existing records
// (PUT /userspermission/usergroups_project_permission).
func (c *Client) SetUserGroupProjectPermissions(ctx context.Context, perms []UserGroupProjectPermission) error {
	return setPermissions(ctx, c, RouteGroupProjectPermission, perms)
}

// RevokeUserGroupProjectPermission removes one record, by its id
// (DELETE /userspermission/usergroups_project_permission).
func (c *Client) RevokeUserGroupProjectPermission(ctx context.Context, id string) error {
	return revokePermission(ctx, c, RouteGroupProjectPermission, id)
}

// ListUserGroupsAssignedToProject returns one page of the groups granted
// access to a project (GET /userspermission/get_usergroups_assigned_to_project).
// It uses opts.Name as the filter.
func (c *Client) ListUserGroupsAssignedToProject(ctx context.Context, projectID string, opts ListOptions) (*Collection[UserGroupProjectPermissionDTO], error) {
	return listBy[UserGroupProjectPermissionDTO](ctx, c, RouteGroupsAssignedToProject, ParamProjectID, projectID, "name", opts)
}

// UserGroupsAssignedToProject walks every page of ListUserGroupsAssignedToProject.
func (c *Client) UserGroupsAssignedToProject(ctx context.Context, projectID string, opts ListOptions) *Pager[UserGroupProjectPermissionDTO] {
	return pager(ctx, c, RouteGroupsAssignedToProject, opts, groupProjectKey, func(ctx context.Context, o ListOptions) (*Collection[UserGroupProjectPermissionDTO], error) {
		return c.ListUserGroupsAssignedToProject(ctx, projectID, o)
	})
}

// ListProjectsAssignedToUserGroup returns one page of the projects a group
// was granted (GET /userspermission/get_projects_assigned_to_usergroup).
// It uses opts.Name as the filter.
func (c *Client) ListProjectsAssignedToUserGroup(ctx context.Context, groupID string, opts ListOptions) (*Collection[UserGroupProjectPermissionDTO], error) {
	return listBy[UserGroupProjectPermissionDTO](ctx, c, RouteProjectsAssignedToGroup, ParamUserGroupID, groupID, "name", opts)
}

// ProjectsAssignedToUserGroup walks every page of ListProjectsAssignedToUserGroup.
func (c *Client) ProjectsAssignedToUserGroup(ctx context.Context, groupID string, opts ListOptions) *Pager[UserGroupProjectPermissionDTO] {
	return pager(ctx, c, RouteProjectsAssignedToGroup, opts, groupProjectKey, func(ctx context.Context, o ListOptions) (*Collection[UserGroupProjectPermissionDTO], error) {
		return c.ListProjectsAssignedToUserGroup(ctx, groupID, o)
	})
}

// Group <-> shared cloud drive.

// GrantUserGroupSharedCloudDrivePermissions gives groups access to drives,
// in one call (POST /userspermission/usergroup_sharedclouddrive_permission).
func (c *Client) GrantUserGroupSharedCloudDrivePermissions(ctx context.Context, grants []UserGroupSharedCloudDrivePermission) error {
	return grantPermissions(ctx, c, RouteGroupDrivePermission, grants)
}

// SetUserGroupSharedCloudDrivePermissions changes the level of existing
// records (PUT /userspermission/usergroup_sharedclouddrive_permission).
func (c *Client) SetUserGroupSharedCloudDrivePermissions(ctx context.Context, perms []UserGroupSharedCloudDrivePermission) error {
	return setPermissions(ctx, c, RouteGroupDrivePermission, perms)
}

// RevokeUserGroupSharedCloudDrivePermission removes one record, by its id
// (DELETE /userspermission/usergroup_sharedclouddrive_permission).
func (c *Client) RevokeUserGroupSharedCloudDrivePermission(ctx context.Context, id string) error {
	return revokePermission(ctx, c, RouteGroupDrivePermission, id)
}

// ListUserGroupsAssignedToSharedCloudDrive returns one page of the groups
// granted access to a drive
// (GET /userspermission/get_usergroups_assigned_to_sharedclouddrive). The
// drive's id travels as "sharedCloudDrive" (the vendor's name, without
// "Id"). It uses opts.Name as the filter.
func (c *Client) ListUserGroupsAssignedToSharedCloudDrive(ctx context.Context, driveID string, opts ListOptions) (*Collection[UserGroupSharedCloudDrivePermissionDTO], error) {
	return listBy[UserGroupSharedCloudDrivePermissionDTO](ctx, c, RouteGroupsAssignedToDrive, ParamGroupsOfDrive, driveID, "name", opts)
}

// UserGroupsAssignedToSharedCloudDrive walks every page of ListUserGroupsAssignedToSharedCloudDrive.
func (c *Client) UserGroupsAssignedToSharedCloudDrive(ctx context.Context, driveID string, opts ListOptions) *Pager[UserGroupSharedCloudDrivePermissionDTO] {
	return pager(ctx, c, RouteGroupsAssignedToDrive, opts, groupDriveKey, func(ctx context.Context, o ListOptions) (*Collection[UserGroupSharedCloudDrivePermissionDTO], error) {
		return c.ListUserGroupsAssignedToSharedCloudDrive(ctx, driveID, o)
	})
}

// ListSharedCloudDrivesAssignedToUserGroup returns one page of the drives a
// group was granted (GET /userspermission/get_sharedclouddrive_assigned_to_usergroup).
// It uses opts.Name as the filter.
func (c *Client) ListSharedCloudDrivesAssignedToUserGroup(ctx context.Context, groupID string, opts ListOptions) (*Collection[UserGroupSharedCloudDrivePermissionDTO], error) {
	return listBy[UserGroupSharedCloudDrivePermissionDTO](ctx, c, RouteDrivesAssignedToGroup, ParamUserGroupID, groupID, "name", opts)
}

// SharedCloudDrivesAssignedToUserGroup walks every page of ListSharedCloudDrivesAssignedToUserGroup.
func (c *Client) SharedCloudDrivesAssignedToUserGroup(ctx context.Context, groupID string, opts ListOptions) *Pager[UserGroupSharedCloudDrivePermissionDTO] {
	return pager(ctx, c, RouteDrivesAssignedToGroup, opts, groupDriveKey, func(ctx context.Context, o ListOptions) (*Collection[UserGroupSharedCloudDrivePermissionDTO], error) {
		return c.ListSharedCloudDrivesAssignedToUserGroup(ctx, groupID, o)
	})
}
