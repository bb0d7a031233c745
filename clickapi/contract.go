package clickapi

// This file keeps the wire-contract facts in one place: what the vendor
// documents (FOUND) and our reading where it is silent (INFERRED). Change
// an INFERRED value here when a real agent shows otherwise; the client and
// the emulator both read it.

// DefaultBaseURL is where the agent listens unless its port was changed (FOUND).
const DefaultBaseURL = "http://localhost:29123"

// StatusValidation is the agent's status code for application errors (FOUND).
const StatusValidation = 499

// ErrorCodeHeader repeats the problem type of a 499 answer (FOUND).
const ErrorCodeHeader = "error-code"

// TokenParam is the query parameter that carries the session token on every
// protected call (FOUND: never an Authorization header).
const TokenParam = "token"

// Problem types of 499 answers. AUTH through INTERNAL_ERROR are FOUND;
// VALIDATION, for malformed bodies, bad uuids, bad names and unknown sort
// fields, is INFERRED.
const (
	CodeAuth          = "AUTH"
	CodeToken         = "TOKEN"
	CodeSession       = "SESSION"
	CodeNotFound      = "NOT_FOUND"
	CodeDuplicate     = "DUPLICATE"
	CodeAccess        = "ACCESS"
	CodeDBInsert      = "DB_INSERT"
	CodeDBUpdate      = "DB_UPDATE"
	CodeDBDelete      = "DB_DELETE"
	CodeInternalError = "INTERNAL_ERROR"
	CodeValidation    = "VALIDATION"
)

// DefaultPageSize is the page size the agent uses when none is given (FOUND).
const DefaultPageSize = 50

// MaxPageSize is the largest page the emulator serves and the client asks
// for (INFERRED: the vendor publishes no cap; bigger requests are clamped).
const MaxPageSize = 1000

// Sort fields (FOUND: PascalCase property paths) and each list's default.
// The fields beyond the documented defaults are INFERRED; an unknown sort
// field answers 499 VALIDATION (INFERRED). The functions return fresh
// slices, so callers cannot change the contract for everyone.
const (
	DefaultGroupSort     = "Name"
	DefaultMemberSort    = "User.Username"
	DefaultUserGroupSort = "UserGroup.Name"
	DefaultUserSort      = "Username"
)

// GroupSortFields are the sort fields of the group lists.
func GroupSortFields() []string { return []string{"Name", "CreateDate", "Description"} }

// MemberSortFields are the sort fields of a group's member list.
func MemberSortFields() []string {
	return []string{"User.Username", "User.Email", "User.CreateDate", "CreateDate"}
}

// UserGroupSortFields are the sort fields of a user's group list.
func UserGroupSortFields() []string {
	return []string{"UserGroup.Name", "UserGroup.CreateDate", "CreateDate"}
}

// UserSortFields are the sort fields of the user list.
func UserSortFields() []string {
	return []string{"Username", "Email", "CreateDate", "Firstname", "Lastname"}
}

// Routes of the Click API (FOUND).
const (
	RouteAgentStatus        = "/management/agent_status"
	RouteLogin              = "/authentication/login"
	RouteMFARespond         = "/authentication/mfa_respond"
	RouteUsers              = "/user/get_all_users"
	RouteGroups             = "/usergroup/get_all"
	RouteGroupsWithDetails  = "/usergroup/get_all_with_details"
	RouteInsertGroup        = "/usergroup/insert"
	RouteUpdateGroup        = "/usergroup/update"
	RouteDeleteGroup        = "/usergroup/delete"
	RouteAssignedUsers      = "/usergroup/get_assigned_users"
	RouteAssignedUserGroups = "/usergroup/get_assigned_usergroups"
	RouteAssignUsers        = "/usergroup/assign_users"
	RouteUnassignUser       = "/usergroup/unassign_user"
	RouteImportUsers        = "/usergroup/import_users"
)

// Routes of access management (FOUND: contract sections 6, 8, 9 and 10).
// The odd spellings are the vendor's own and are sent exactly so:
// "permision" with one "s" on the user-drive write route, "usergroups"
// (plural) on the group-project write route but "usergroup" (singular) on
// the group-drive one, and "projects" (plural) for the project controller.
const (
	RouteAPITokens         = "/apitoken/get_all"
	RouteInsertAPIToken    = "/apitoken/insert"
	RouteDeleteAPIToken    = "/apitoken/delete"
	RouteUsersWithDetails  = "/user/get_all_users_with_details"
	RouteInsertUser        = "/user/insert_user"
	RouteEditUser          = "/user/edit_user"
	RouteDeleteUser        = "/user/delete_user"
	RouteProjects          = "/projects/get_all"
	RouteSharedCloudDrives = "/sharedclouddrive/get_all"

	RouteUserProjectPermission   = "/userspermission/users_project_permission"
	RouteUserDrivePermission     = "/userspermission/users_sharedclouddrive_permision"
	RouteGroupProjectPermission  = "/userspermission/usergroups_project_permission"
	RouteGroupDrivePermission    = "/userspermission/usergroup_sharedclouddrive_permission"
	RouteUsersAssignedToProject  = "/userspermission/get_users_assigned_to_project"
	RouteProjectsAssignedToUser  = "/userspermission/get_projects_assigned_to_user"
	RouteUsersAssignedToDrive    = "/userspermission/get_users_assigned_to_sharedclouddrive"
	RouteDrivesAssignedToUser    = "/userspermission/get_sharedclouddrive_assigned_to_user"
	RouteGroupsAssignedToProject = "/userspermission/get_usergroups_assigned_to_project"
	RouteProjectsAssignedToGroup = "/userspermission/get_projects_assigned_to_usergroup"
	RouteGroupsAssignedToDrive   = "/userspermission/get_usergroups_assigned_to_sharedclouddrive"
	RouteDrivesAssignedToGroup   = "/userspermission/get_sharedclouddrive_assigned_to_usergroup"
)

// Query names of the ids the permission listings require (FOUND). Note
// ParamGroupsOfDrive: get_usergroups_assigned_to_sharedclouddrive takes
// "sharedCloudDrive", without "Id", where its user twin takes
// "sharedCloudDriveId".
const (
	ParamUserID             = "userId"
	ParamUserGroupID        = "userGroupId"
	ParamProjectID          = "projectId"
	ParamSharedCloudDriveID = "sharedCloudDriveId"
	ParamGroupsOfDrive      = "sharedCloudDrive"
)

// RetryPermissionGrant says that a permission POST may be resent after it
// may have landed (INFERRED I22: the vendor does not say what a second add
// of an existing pair does; the emulator skips it and keeps its level, and
// the client's ensure-logic reads the grants back, so a resend is harmless).
const RetryPermissionGrant = true

// NotFoundAfterResendIsDone says that a delete (group, user, token,
// permission, assignment) answered NOT_FOUND on a resend, after an earlier
// attempt may have landed, counts as done (INFERRED I11: NOT_FOUND is the
// code for an unknown id).
const NotFoundAfterResendIsDone = true
