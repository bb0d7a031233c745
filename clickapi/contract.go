package clickapi

import "time"

// This file keeps the wire-contract facts in one place (../shared/api/click-api.md,
// written from the vendor's Click and Web API docs). A FOUND fact names the
// vendor page it comes from, as [click:FILE] or [web:FILE]. An INFERRED
// choice, one that no vendor page states, names its number In in the
// contract's section 12: change it here, in one line, when a trace from a
// real agent shows otherwise. The emulator keeps its own INFERRED choices in
// emulator/rules.go.

// DefaultBaseURL is where the agent listens unless its appsettings.HostUrl
// says otherwise [click:index.md].
const DefaultBaseURL = "http://localhost:29123"

// StatusValidation is the agent's status code for application errors [click:errors.md].
const StatusValidation = 499

// StatusPaymentRequired is what usergroup/import_users answers, before any
// work, when the account has no active billing subscription [web:usergroup.md].
const StatusPaymentRequired = 402

// ErrorCodeHeader repeats the problem type of a 499 answer [click:errors.md].
const ErrorCodeHeader = "error-code"

// TokenParam is the query parameter that carries the session or API token
// on every protected call, never an Authorization header [click:index.md].
// API tokens travel the same way as session tokens (INFERRED I2).
const TokenParam = "token"

// Problem types (the `type` of a 499 body and its error-code header): the
// whole list of [web:errors.md], which the agent shares [click:errors.md].
// The client branches only on the status and these codes, never on a
// message's text (INFERRED I11).
const (
	CodeDefault               = "DEFAULT" // generic validation failure
	CodeAuth                  = "AUTH"    // authentication failed; the agent answers 401 instead [click:errors.md]
	CodeInactiveUser          = "INACTIVE_USER"
	CodeToken                 = "TOKEN" // token invalid, expired or already used
	CodeSession               = "SESSION"
	CodeSessionMaxout         = "SESSION_MAXOUT"
	CodeSecurity              = "SECURITY"
	CodeAccess                = "ACCESS"
	CodeNotFound              = "NOT_FOUND"
	CodeCognito               = "COGNITO"
	CodeTOTP                  = "TOTP" // a wrong MFA code or a stale MFA session [web:authentication.md]
	CodeTransfer              = "TRANSFER"
	CodeTransferC2C           = "TRANSFER_C2C"
	CodeSync                  = "SYNC"
	CodeCost                  = "COST"
	CodeDuplicate             = "DUPLICATE"
	CodePending               = "PENDING"
	CodeDBDelete              = "DB_DELETE"
	CodeDBInsert              = "DB_INSERT"
	CodeDBUpdate              = "DB_UPDATE"
	CodeDownloadObject        = "DOWNLOAD_OBJECT"
	CodeInvalidEmail          = "INVALID_EMAIL"
	CodeInternalError         = "INTERNAL_ERROR"
	CodeChecksumMismatch      = "CHECKSUM_MISMATCH"
	CodeFilesystemAccess      = "FILESYSTEM_ACCESS"
	CodeBucketLoggingSet      = "BUCKET_LOGGING_SET"
	CodeBucketLoggingDisabled = "BUCKET_LOGGING_DISABLED"
	CodeDisposed              = "DISPOSED"
)

// ErrorCode documents one problem type for scripts (err.type in Lua).
type ErrorCode struct {
	Code    string
	Meaning string
}

// ErrorCodes returns every problem type the vendor documents, in the order
// of [web:errors.md], with its meaning. A fresh slice each call.
func ErrorCodes() []ErrorCode {
	return []ErrorCode{
		{CodeDefault, "generic validation failure: a bad name, id, paging value or body"},
		{CodeAuth, "authentication failed (the agent answers HTTP 401 instead)"},
		{CodeInactiveUser, "the user account is not active"},
		{CodeToken, "a token is invalid, expired or already used"},
		{CodeSession, "the session is invalid or expired"},
		{CodeSessionMaxout, "too many concurrent sessions for this user"},
		{CodeSecurity, "a security policy refused the request"},
		{CodeAccess, "no access to the resource"},
		{CodeNotFound, "no such resource (an unknown or deleted id)"},
		{CodeCognito, "the identity provider answered with an error"},
		{CodeTOTP, "the MFA code was wrong or its session stale"},
		{CodeTransfer, "a transfer failed"},
		{CodeTransferC2C, "the cloud-to-cloud transfer dispatcher failed"},
		{CodeSync, "a sync failed"},
		{CodeCost, "a billing or cost calculation failed"},
		{CodeDuplicate, "another record has the same unique value (a group name in use)"},
		{CodePending, "the operation is still pending"},
		{CodeDBDelete, "a database delete failed"},
		{CodeDBInsert, "a database insert failed"},
		{CodeDBUpdate, "a database update failed"},
		{CodeDownloadObject, "an object download failed"},
		{CodeInvalidEmail, "the email address was rejected"},
		{CodeInternalError, "an internal failure reported as a validation error"},
		{CodeChecksumMismatch, "a file checksum did not match"},
		{CodeFilesystemAccess, "local file system access was denied"},
		{CodeBucketLoggingSet, "bucket logging could not be enabled"},
		{CodeBucketLoggingDisabled, "bucket logging is disabled"},
		{CodeDisposed, "the underlying resource was disposed"},
	}
}

// DefaultPageSize is the page size every list uses when none is given
// [click:usergroup.md] [web:index.md].
const DefaultPageSize = 50

// MaxPageSize is the largest page the client asks for (INFERRED I5: the
// vendor publishes no cap). The client never trusts that it got the rows it
// asked for: the pager stops at an empty page or once it has seen `total`
// rows.
const MaxPageSize = 500

// Timeouts per attempt (INFERRED I9: a real agent proxies most calls to the
// Amove cloud, so answers take tens of milliseconds to seconds).
const (
	DefaultTimeout = 30 * time.Second  // every request but import
	ImportTimeout  = 120 * time.Second // usergroup/import_users, which may create users and groups
)

// DefaultImportUserType is the userType the client sends for an imported
// user whose script gave none: DesktopStandardUser, as in the vendor's
// import sample [web:usergroup.md]; what the agent does without one is not
// documented (INFERRED I19).
const DefaultImportUserType = UserTypeDesktopStandardUser

// The documented default sort of each list (FOUND: PascalCase property
// paths). Other sort fields are INFERRED (I8): the client passes a script's
// sort field through unchanged and never relies on an order beyond these.
const (
	DefaultGroupSort     = "Name"           // [click:usergroup.md]
	DefaultMemberSort    = "User.Username"  // [click:usergroup.md]
	DefaultUserGroupSort = "UserGroup.Name" // [click:usergroup.md]
	// UserListSort and UserListDescending are the user list's defaults
	// [click:user.md]: the newest users first.
	UserListSort       = "CreateDate"
	UserListDescending = true
)

// UserStatusAll is the user list's default status filter, Active | Inactive
// | Pending [click:user.md]. The client sends userStatus only when a script
// filters.
const UserStatusAll = UserActive | UserInactive | UserPending

// UserTypeAll stands for the user list's default type filter "All", whose
// number is not documented: the client omits the userType parameter for it
// (INFERRED I21).
const UserTypeAll UserType = 0

// INFERRED choices the client's code reads (contract section 12).
const (
	// AuthCodeMeansLoginRefused (section 11): a 499 AUTH to login is read
	// like the agent's 401 [click:errors.md] [web:authentication.md].
	AuthCodeMeansLoginRefused = true
	// SMSPrompt (I15): challenge 2 (SMS) is answered through mfa_respond
	// with userCode, like TOTP, the only documented way.
	SMSPrompt = "the code sent by SMS"
	// TOTPPrompt is what login asks for a TOTP challenge [click:authentication.md].
	TOTPPrompt = "the code of your authenticator app"
)

// Other INFERRED choices and where they live:
//   - I3 key casing: responses decode case-insensitively (encoding/json's rule).
//   - I4/I5/I7 total, silent caps, pages past the end: the pager (collection.go).
//   - I6 bad paging input: the bindings refuse a pagesize outside 1..MaxPageSize
//     before sending; pages are counted by the pager from 1.
//   - I9 batching and concurrency: bindings.DefaultConcurrency (4) and
//     bindings.DefaultBatchSize, which stays 500 where the contract suggests
//     at most 100 (BENCHMARKS.md measures 500; scripts set {batch = N});
//     missing groups are created one at a time before the first batch.
//   - I10 401/402 without a body: APIError.Error and the sentinels ErrUnauthorized,
//     ErrPaymentRequired (errors.go).
//   - I12 deleted rows: the client never sends the Web-only `deleted` parameter.
//   - I13 details rows: every part of a details row is optional (pointers, nil slices).
//   - I14 agent_status shapes: AgentStatus.UnmarshalJSON (models.go).
//   - I16 no requestToken: LoginRequest has none; if a real agent answers
//     499 TOKEN to login, revisit.
//   - I17 no retry of a 401 with the same token: Client.do (client.go).
//   - I18 cascades of a group delete: the client assumes none and relies on none.
//   - I19 imported users: DefaultImportUserType, and email = username (ImportUsers).
//   - I20 import groups: GroupRef always carries name, and id when known.
//   - I22 a second grant of an existing pair: RetryPermissionGrant (below).
//   - I23 inactive groups: listed and usable like active ones; nothing refuses them.
//   - I24 404/405: APIError.Error says the agent does not serve the route.
//   - I25 429 and Retry-After: RetryPolicy (retry.go).
//   - I26 dates: ParseDate (apitoken.go).

// Routes of the Click API: /<controller>/<action>, no /api/v1 prefix, in
// the spelling of the newest pages [click:index.md]; the agent's routing is
// taken to be case-insensitive (INFERRED I1).
const (
	RouteAgentStatus        = "/management/agent_status"    // [click:management.md]
	RouteLogin              = "/authentication/login"       // [click:authentication.md]
	RouteMFARespond         = "/authentication/mfa_respond" // [click:authentication.md]
	RouteLogout             = "/authentication/logout"      // [click:authentication.md]
	RouteWhoAmI             = "/authentication/user"        // [click:authentication.md]
	RouteUsers              = "/user/get_all_users"         // [click:user.md]
	RouteGroups             = "/usergroup/get_all"          // [click:usergroup.md], and below
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
