package emulator

import (
	"time"

	"github.com/clickscript/clickscript/clickapi"
)

// This file keeps the emulator's INFERRED choices in one place: where the
// vendor is silent and clickapi/contract.go has no constant, the emulator
// behaves as written here. Change a value here when a real agent shows
// otherwise. Inferred behaviours that are code rather than values:
//
//   - query parameter names and sort field names match ignoring case, as
//     ASP.NET binds them (param and parseList in params.go);
//   - page < 1, page size < 1, non-integers and descending values other
//     than true/false answer 499 VALIDATION; page sizes above
//     clickapi.MaxPageSize are clamped (parseList);
//   - text sorts ignore case and every order ends on the record id, so
//     pages never overlap (model.go);
//   - group names are stored as sent (not trimmed) but must not be blank;
//     import usernames are trimmed (members.go);
//   - a login body without "type" is accepted; other unknown types answer
//     VALIDATION (auth.go);
//   - 401 and 404 answers have empty bodies; 405 names the method in Allow
//     (handler.go).

// accountID is the account every group belongs to; the server sets it.
const accountID = "acc00000-0000-4000-8000-000000000001"

// Default login credentials when Options leaves them empty.
const (
	defaultUsername = "admin@example.com"
	defaultPassword = "admin"
)

// epoch is where the deterministic clock starts (2026-01-01T00:00:00Z), and
// tickStep is how far it advances per write.
const (
	epochUnix = 1767225600
	tickStep  = time.Second
)

// timeLayout formats createDate values: RFC 3339 in UTC, fractional
// seconds only when non-zero (as .NET's System.Text.Json writes them).
const timeLayout = time.RFC3339Nano

// agentStatus is what GET /management/agent_status answers: Started.
const agentStatus = clickapi.AgentStarted

// Users that import_users creates get these flags.
const (
	importedUserType   = int(clickapi.DesktopStandardUser)
	importedUserStatus = clickapi.UserActive
)

// maxBodyBytes caps a request body; bigger bodies answer 499 VALIDATION.
const maxBodyBytes = 64 << 20

// maxMessages caps the messages of one 499 answer; the rest are counted.
const maxMessages = 20

// msgDuplicateName is the vendor's message for a taken group name (FOUND).
const msgDuplicateName = "A resource with the same name already exists."

// seedBatch is how many records one bbolt transaction writes while seeding.
const seedBatch = 50_000

// problemTitle is the title of a 499 answer of the given type.
func problemTitle(code string) string {
	switch code {
	case clickapi.CodeValidation:
		return "One or more validation errors occurred."
	case clickapi.CodeDuplicate:
		return "The resource already exists."
	case clickapi.CodeNotFound:
		return "The resource was not found."
	case clickapi.CodeAuth:
		return "Authentication failed."
	case clickapi.CodeSession:
		return "The MFA session is unknown or expired."
	default:
		return "The request failed."
	}
}

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
	insertedUserType   = int(clickapi.DesktopStandardUser)
	insertedUserStatus = clickapi.UserPending
)

// userTypes are the userType values insert_user and edit_user accept: one
// of the documented flags (FOUND values; accepting only single flags is
// INFERRED, I21).
func userTypes() []int { return []int{1, 2, 4, 8, 16, 32, 64} }
