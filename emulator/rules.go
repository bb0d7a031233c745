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
