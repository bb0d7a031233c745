package emulator

import "time"

// This file keeps the emulator's INFERRED choices in one place: where no
// vendor page says (contract section 12, I1-I26), the emulator behaves as
// written here, each entry naming its I-number. What the vendor documents
// is in vendor.go. Change an entry when a trace from a real agent shows
// otherwise. Choices that are code rather than values, and where that code
// is:
//
//   - I1: paths match ignoring case (routeKey, handler.go).
//   - I3: JSON keys and query parameter names bind ignoring case
//     (decodeJSON, param in params.go); answers use the documented keys.
//   - I4: total counts every match across pages (window in index.go).
//   - I6: page < 1, page size < 1, non-integers and descending values other
//     than true/false answer 499 DEFAULT (parseList).
//   - I7: a page past the end is 200 with data [] and the real total,
//     unless the past-end-error deviation is on.
//   - I8: sort fields match ignoring case, from the lists below; unknown
//     ones answer 499 DEFAULT naming the field; text sorts ignore case and
//     every order ends on the record id (model.go).
//   - I9: reads run in parallel, writes one at a time under one lock
//     (Emulator.mu), zero latency unless Faults inject some.
//   - I10: 401 answers have no body; 402 answers a problem body of type
//     COST (handler.go).
//   - I11: the codes of our failures: see the code* values below and
//     problem.go.
//   - I12: deleted=true lists only deleted groups, and adds deleted users
//     to the user list (groups.go, users.go).
//   - I13: group-details rows carry active (wire.go).
//   - I15: challenge 2 (SMS) is answered through mfa_respond like TOTP.
//   - I16: a requestToken in the login body is ignored (loginRequest).
//   - I17: tokens never expire; after logout that token answers 401.
//   - I18: a deleted group keeps its memberships stored but vanishes from
//     every read; a second delete answers NOT_FOUND; its name is free.
//   - I19/I20: import_users rules (importUsers in members.go).
//   - I21: an absent userType filter means all types; else a flag mask.
//   - I23: inactive groups list and take members like active ones.
//   - I24: an unknown route answers 404, a wrong method 405 with Allow,
//     both without a body.
//   - I25: 429 and 503 only when Faults inject them (faults.go).
//   - I26: dates are UTC with a Z and whole seconds (apiTime in model.go).

// maxPageSize is the largest page served; bigger requests are clamped
// (I5). Options.PageCap caps lower, silently.
const maxPageSize = 1000

// Sort fields beyond the documented defaults (I8): the PascalCase
// properties of each list's row type.
func groupSortFields() []string { return []string{"Name", "CreateDate", "Description"} }

// memberSortFields are get_assigned_users' sort fields (I8).
func memberSortFields() []string {
	return []string{"User.Username", "User.Email", "User.CreateDate", "CreateDate"}
}

// userGroupSortFields are get_assigned_usergroups' sort fields (I8).
func userGroupSortFields() []string {
	return []string{"UserGroup.Name", "UserGroup.CreateDate", "CreateDate"}
}

// userSortFields are get_all_users' sort fields (I8).
func userSortFields() []string {
	return []string{"CreateDate", "Username", "Email", "Firstname", "Lastname"}
}

// accountID is the account every record belongs to; the server sets it
// [web:usergroup.md]. Its value, and the account's name, are ours.
const (
	accountID   = "acc00000-0000-4000-8000-000000000001"
	accountName = "Example Org"
)

// Default login credentials when Options leaves them empty. Outside
// loopback the command refuses the default password (issue 15).
const (
	defaultUsername = "admin@example.com"
	defaultPassword = "admin"
)

// signedInUserType is the user type of a login user that has no user
// record in the store, and so the only login type it may use: a wrong
// type is refused like bad credentials [web:authentication.md]. A login
// user with a record may log in with any desktop type its userType has.
const signedInUserType = typeDesktopAdmin

// signedInUserID is the userId /authentication/user answers for a login
// user without a user record.
const signedInUserID = "00000000-0000-4000-8000-00000000a11d"

// loginTypes are the types a login may name [click:authentication.md];
// anything else is refused with 401 like bad credentials.
const loginTypes = typeDesktopAdmin | typeDesktopCreativeUser | typeDesktopStandardUser

// Imported new users (I19): Pending like insert_user, type
// DesktopStandardUser unless the entry says (0 says nothing), email the
// username unless the entry says. A username must be an email address
// ([web:user.md]; 499 INVALID_EMAIL). Groups an import creates are active,
// with an empty description (I20).
const (
	importedUserType   = typeDesktopStandardUser
	importedUserStatus = userPending
)

// Users of a seed file that do not say, and synthetic users, are active
// standard users.
const (
	seededUserType   = typeDesktopStandardUser
	seededUserStatus = userActive
)

// Codes of our failures (I11).
const (
	codeBadInput    = codeDefault      // malformed JSON, bad uuid, bad paging, blank or long name, missing id
	codeUnknownID   = codeNotFound     // unknown id on update, delete, unassign, assign, list by id
	codeNameTaken   = codeDuplicate    // a live group has that name, ignoring case
	codeBadEmail    = codeInvalidEmail // an import username that is no email address
	codeMFA         = codeTOTP         // wrong code or stale session on mfa_respond [web:authentication.md]
	codeNoPayment   = codeCost         // 402 body when the account has no active subscription (I10)
	codeAuthFailure = codeAuth         // only with the auth-499 deviation: the Web form
)

// maxUsername is the longest username (and email) an import accepts
// [click:user.md]: at most 50 characters.
const maxUsername = 50

// epoch is where the deterministic clock starts (2026-01-01T00:00:00Z), and
// tickStep is how far it advances per write.
const (
	epochUnix = 1767225600
	tickStep  = time.Second
)

// maxBodyBytes caps a request body; bigger bodies answer 499 DEFAULT.
const maxBodyBytes = 64 << 20

// maxMessages caps the messages of one 499 answer; the rest are counted.
const maxMessages = 20

// seedBatch is how many records one bbolt transaction writes while seeding.
const seedBatch = 50_000

// The choices below belong to the access endpoints (apitoken, user
// writes, userspermission, projects and sharedclouddrive). Each names the
// contract's INFERRED item it follows. Inferred behaviours that are code:
//
//   - I11: an unknown or deleted user, group, project or drive in a
//     permission batch, an unknown permission id on PUT or DELETE (or one
//     of another kind than the route's), an unknown API token id and an
//     unknown or deleted user on edit_user or delete_user answer 499
//     NOT_FOUND; a missing or non-uuid id, a permissionType other than 1
//     or 2, a PUT that names another user, group, project or drive than
//     the record's, a blank title and an expirationDate that is not a
//     future RFC 3339 time answer 499 DEFAULT (permissions.go,
//     apitokens.go);
//   - I11: insert_user and edit_user answer INVALID_EMAIL for a username
//     or email that is not an address, DUPLICATE for a username a live
//     user has, DEFAULT for fields over 50 characters, an unknown
//     userType, a changed username, a change of the owner's type, and
//     deleting the owner (usermgmt.go);
//   - I22: a POST of a pair that has a record keeps the record and its
//     level; a pair repeated within one body is added once; one bad row
//     rejects the whole batch before any write (permissions.go);
//   - I18: deleted users, groups, projects and drives keep their
//     permission records, hidden from every read; PUT and DELETE by id
//     still reach them (access_store.go);
//   - I13: user-details rows carry the Click names userGroups, projects
//     and sharedCloudDrives with the Web row shapes, direct grants only
//     (usermgmt.go); group-details rows show the group's own grants;
//   - I17: API tokens minted by apitoken/insert are accepted as ?token=
//     until they are deleted or their expirationDate passes (by the
//     emulator's clock); then they answer 401 (apitokens.go);
//   - I8: the permission lists sort by their documented default and by the
//     other joined names and permissionType, listed in permSortFields;
//     the user-drive list keeps the vendor's "SharedClouDrive" spelling.
//   - I8: projects sort by Name or Description, drives by Name or
//     StorageName (catalog.go); I12: deleted=true lists only soft-deleted
//     projects or drives;
//   - the emulator models no project-drive links (their routes are out of
//     scope), so drive-details rows always have an empty projectsData;
//   - apitoken/get_all lists every token newest first and ignores paging
//     parameters; tokens belong to the one signed-in identity, and
//     RevokeTokens (revoke.go) leaves them valid: they are not sessions.

// Identity fields of the access records.
const (
	// cloudAccountID is the account's one cloud account, the default
	// cloudAccountId of seeded drives.
	cloudAccountID = "acc00000-0000-4000-8000-000000000002"
	// apiTokenPrefix starts every API token value the emulator mints.
	apiTokenPrefix = "emulator-api-"
)

// Seeded drive defaults (the values of the vendor's insert sample).
const (
	defaultObjectsPerFolder = 10000
	defaultDriveType        = 1 // VirtualDrive
	defaultSyncType         = 2 // Mirror
)

// Name limits of projects and drives (FOUND on the Web pages) and of the
// user fields of insert_user and edit_user (FOUND on the Click page).
const (
	maxProjectName = 100
	maxDriveName   = 50
	maxUserField   = 50
	maxTokenTitle  = 100 // INFERRED (I11): no limit is published
)

// insertedUserType is the userType of an insert_user body without one
// (I19, as for imported users); insertedUserStatus is the status every
// inserted user starts with (FOUND: Pending).
const (
	insertedUserType   = typeDesktopStandardUser
	insertedUserStatus = userPending
)

// userTypes are the userType values insert_user and edit_user accept: one
// of the documented flags (FOUND values; accepting only single flags is
// INFERRED, I21).
func userTypes() []int { return []int{1, 2, 4, 8, 16, 32, 64} }
