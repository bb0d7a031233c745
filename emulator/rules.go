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
