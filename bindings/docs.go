package bindings

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/clickscript/clickscript/clickapi"
)

// This file documents the shapes of the tables that the functions of
// Funcs take and return, for `clickscript types` (LuaLS annotations) and
// docs/lua-api.md. The fields of the API's records come from the clickapi
// model structs' json tags, by reflection, so that a model change shows up
// in the docs; the tables that exist only on the Lua side (options,
// results, errors, iterators) are written out here.

// ClassDoc documents one table shape, in LuaLS terms.
type ClassDoc struct {
	Name    string // "UserGroup"; a generic one has its parameter: "ListIterator<T>"
	Summary string
	Fields  []FieldDoc
	// Call is the LuaLS function type of calling the table, for callable
	// ones: "fun(): T?" for iterators. "" for plain tables.
	Call string
	// Model is the clickapi struct the fields come from; nil for the
	// tables that exist only in Lua.
	Model reflect.Type
}

// FieldDoc is one field of a ClassDoc. An optional field's Type ends in "?".
type FieldDoc struct {
	Name, Type, Doc string
}

// modelDoc is a record the docs describe: its struct and a summary.
type modelDoc struct {
	model   reflect.Type
	summary string
}

// modelDocs returns the summaries of the API's records as Lua scripts see
// them, by struct name. Classes takes their fields from the structs.
func modelDocs() []modelDoc {
	return []modelDoc{
		{reflect.TypeFor[clickapi.UserGroup](), "A user group, as listings return it and update takes it."},
		{reflect.TypeFor[clickapi.NewUserGroup](), "The fields of a group to create; active defaults to true."},
		{reflect.TypeFor[clickapi.User](), "An account user. Note the all-lowercase firstname and lastname; status flags: 1 active, 2 inactive, 4 pending; userType: " + flagList(clickapi.UserTypeNames()) + "."},
		{reflect.TypeFor[clickapi.UserUserGroup](), "One user-to-group assignment; id is the assignment id that usergroup.unassign takes (not needed by assign)."},
		{reflect.TypeFor[clickapi.UserUserGroupDTO](), "A row of usergroup.members and usergroup.groups_of: the user, the group and the assignment linking them; absent parts are nil."},
		{reflect.TypeFor[clickapi.UserGroupWithDetails](), "A row of usergroup.list_details: a group with its members, projects and drives inlined."},
		{reflect.TypeFor[clickapi.UserMembership](), "A member of a group in UserGroupWithDetails.usersData."},
		{reflect.TypeFor[clickapi.ProjectPermission](), "A project a group can reach, with the group's permission."},
		{reflect.TypeFor[clickapi.DrivePermission](), "A shared cloud drive a group can reach, with the group's permission."},
		{reflect.TypeFor[clickapi.Project](), "An Amove project."},
		{reflect.TypeFor[clickapi.SharedCloudDrive](), "A cloud drive shared with groups."},
		{reflect.TypeFor[clickapi.Permission](), "A permission record: permissionType 1 read, 2 read-write; only the ids of its kind (user or group, project or drive) are set."},
		{reflect.TypeFor[clickapi.UserUserGroupRelation](), "One item of usergroup.import: a user, reused or created by username (skipped by the agent when the username belongs to another account), and the groups to put them in."},
		{reflect.TypeFor[clickapi.ImportUser](), "The user of an import item or a sync's desired member (firstname and lastname are accepted too); email defaults to the username, userType (a name such as \"desktop_standard_user\", or a number) to 64."},
		{reflect.TypeFor[clickapi.GroupRef](), "A group in an import item: by id, or by exact name (any case) when id is absent; the agent is sent the name, and the id once known."},
		{reflect.TypeFor[clickapi.NewUser](), "The fields of a user to create (user.insert); firstName and lastName are accepted too."},
		{reflect.TypeFor[clickapi.UserGroupProjectPermission](), "A group's grant on a project; permissionType 1 is read, 2 readwrite."},
		{reflect.TypeFor[clickapi.UserGroupSharedCloudDrivePermission](), "A group's grant on a shared cloud drive; permissionType 1 is read, 2 readwrite."},
		{reflect.TypeFor[clickapi.UserProjectPermission](), "A user's direct grant on a project; permissionType 1 is read, 2 readwrite."},
		{reflect.TypeFor[clickapi.UserSharedCloudDrivePermission](), "A user's direct grant on a shared cloud drive; permissionType 1 is read, 2 readwrite."},
		{reflect.TypeFor[clickapi.UserGroupProjectPermissionDTO](), "A row of permission.list for group-project grants: the group, the project and the grant."},
		{reflect.TypeFor[clickapi.UserGroupSharedCloudDrivePermissionDTO](), "A row of permission.list for group-drive grants: the group, the drive and the grant."},
		{reflect.TypeFor[clickapi.UserProjectPermissionDTO](), "A row of permission.list for user-project grants: the user, the project and the grant."},
		{reflect.TypeFor[clickapi.UserSharedCloudDrivePermissionDTO](), "A row of permission.list for user-drive grants; the drive is under sharedClouDrive, the vendor's spelling."},
		{reflect.TypeFor[clickapi.APIToken](), "A new API token, as apitoken.insert returns it: token is its value, shown this once."},
	}
}

// listOptionFields are the options every listing takes besides its filter.
func listOptionFields(filter, filterDoc string) []FieldDoc {
	return []FieldDoc{
		{filter, "string?", filterDoc},
		{"sortfield", "string?", "PascalCase property path, as the agent wants: \"Name\", \"CreateDate\", \"User.Username\", \"UserGroup.Name\""},
		{"descending", "boolean?", "sort in descending order"},
		{"pagesize", "integer?", fmt.Sprintf("items per request, 1 to %d (default: the agent's, 50)", clickapi.MaxPageSize)},
	}
}

// luaClasses are the tables that exist only on the Lua side.
func luaClasses() []ClassDoc {
	return []ClassDoc{
		{Name: "ListIterator<T>", Call: "fun(): T?",
			Summary: "A lazy listing: `for x in it do` walks every page, in order (once the first page has told the total, the next pages are fetched side by side, up to --concurrency, while the script works); " +
				"the methods send one small request (first, count) or walk every page (all).",
			Fields: []FieldDoc{
				{"all", "fun(self: ListIterator<T>): T[]", "every remaining item, as a Lua list"},
				{"first", "fun(self: ListIterator<T>): T?", "the first item, or nil (one small request)"},
				{"count", "fun(self: ListIterator<T>): integer", "the total number of matches (one small request)"},
				{"close", "fun(self: ListIterator<T>)", "cancels the page requests in flight of an iterator left before its end (a break); the end of the script does too"},
			}},
		{Name: "GroupListOptions", Summary: "Options of usergroup.list, usergroup.list_details and usergroup.groups_of. A misspelt option is an error.",
			Fields: listOptionFields("name", "case-insensitive substring of the group name")},
		{Name: "MemberListOptions", Summary: "Options of usergroup.members. A misspelt option is an error.",
			Fields: listOptionFields("username", "case-insensitive substring of the username")},
		{Name: "NameListOptions", Summary: "Options of project.list and drive.list. A misspelt option is an error.",
			Fields: listOptionFields("name", "case-insensitive substring of the name")},
		{Name: "PermissionQuery", Summary: "What permission.list lists: one end (group, user, project or drive: an id, a table or an exact name) and the other end's kind.",
			Fields: []FieldDoc{
				{"group", "(string|UserGroup)?", "the group whose grants to list (with on=)"},
				{"user", "(string|User)?", "the user whose direct grants to list (with on=)"},
				{"project", "(string|Project)?", "the project whose grants to list (with of=)"},
				{"drive", "(string|SharedCloudDrive)?", "the drive whose grants to list (with of=)"},
				{"on", "string?", "with group= or user=: \"projects\" or \"drives\""},
				{"of", "string?", "with project= or drive=: \"groups\" or \"users\""},
				{"name", "string?", "case-insensitive substring of the other end's name (not for of=\"users\")"},
				{"username", "string?", "with of=\"users\": case-insensitive substring of the username"},
				{"sortfield", "string?", "PascalCase property path: \"Project.Name\", \"UserGroup.Name\", \"User.Username\", ..."},
				{"descending", "boolean?", "sort in descending order"},
				{"pagesize", "integer?", fmt.Sprintf("items per request, 1 to %d (default: the agent's, 50)", clickapi.MaxPageSize)},
			}},
		{Name: "PermissionGrant", Summary: "One item of permission.grant: a subject, an object (each an id, a table or an exact name) and a level.",
			Fields: []FieldDoc{
				{"group", "(string|UserGroup)?", "the group to grant (or user=)"},
				{"user", "(string|User)?", "the user to grant (or group=)"},
				{"project", "(string|Project)?", "the project to reach (or drive=)"},
				{"drive", "(string|SharedCloudDrive)?", "the drive to reach (or project=)"},
				{"level", "string|integer", "\"read\" (1) or \"readwrite\" (2)"},
			}},
		{Name: "GrantResult", Summary: "What permission.grant did (or, under --dry-run, would do).",
			Fields: []FieldDoc{
				{"items", "integer", "grants given"},
				{"added", "integer", "grants added"},
				{"changed", "integer", "grants whose level changed"},
				{"unchanged", "integer", "grants already at the level given"},
				{"skipped", "integer", "grants of batches an earlier run applied (the --journal)"},
				{"batches", "integer", "write requests (planned, under --dry-run)"},
				{"dry_run", "boolean", "true when nothing was sent (--dry-run)"},
			}},
		{Name: "PermissionSubject", Summary: "Whose grants permission.sync makes match: one group or one user (an id, a table or an exact name).",
			Fields: []FieldDoc{
				{"group", "(string|UserGroup)?", "the group (or user=)"},
				{"user", "(string|User)?", "the user (or group=)"},
			}},
		{Name: "DesiredGrant", Summary: "One grant the subject of permission.sync should have.",
			Fields: []FieldDoc{
				{"project", "(string|Project)?", "the project (or drive=)"},
				{"drive", "(string|SharedCloudDrive)?", "the drive (or project=)"},
				{"level", "string|integer", "\"read\" (1) or \"readwrite\" (2)"},
			}},
		{Name: "PermissionSyncOptions", Summary: "Options of permission.sync.",
			Fields: []FieldDoc{
				{"on", "string?", "\"projects\" or \"drives\": sync only the grants on those (default: both)"},
				{"add_only", "boolean?", "only add grants and set levels; revoke nothing"},
				{"remove_only", "boolean?", "only revoke the grants not desired"},
				{"max_remove", "(integer|string)?", "most grants a sync may revoke: a count, or a percentage of the current grants as \"10%\" (default 50%); over it nothing is changed"},
				{"force", "boolean?", "go ahead even over max_remove"},
				{"plan_only", "boolean?", "read and plan (max_remove included), return the plan, send nothing"},
				{"batch", "integer?", "grants per batch: each batch sends at most one grant and one level request"},
			}},
		{Name: "PermissionSyncResult", Summary: "What permission.sync did (or, under --dry-run, would do).",
			Fields: []FieldDoc{
				{"subject", "string", "the group's or user's id"},
				{"added", "integer", "grants added"},
				{"changed", "integer", "grants whose level was set"},
				{"removed", "integer", "grants revoked"},
				{"unchanged", "integer", "desired grants that were already so"},
				{"skipped", "integer", "desired grants of batches an earlier run applied (the --journal)"},
				{"grants", "PlannedGrant[]", "the grants to add, in the order desired"},
				{"changes", "PlannedGrant[]", "the grants whose level is set, with from="},
				{"revokes", "PlannedGrant[]", "the grants to revoke, by object id"},
				{"dry_run", "boolean", "true when nothing was changed (--dry-run or plan_only)"},
			}},
		{Name: "PlannedGrant", Summary: "One change of a permission.sync plan.",
			Fields: []FieldDoc{
				{"object", "string", "\"project\" or \"drive\""},
				{"id", "string", "the project's or drive's id"},
				{"name", "string", "its name (as given, or as the agent lists it; the id when neither is known)"},
				{"level", "string", "\"read\" or \"readwrite\": the level granted, set, or revoked"},
				{"from", "string?", "changes: the level before"},
			}},
		{Name: "NewAPITokenOptions", Summary: "The fields of apitoken.insert.",
			Fields: []FieldDoc{
				{"title", "string", "what the token is for, such as the host of a watch service"},
				{"expires", "string?", "when it expires: \"2027-01-01\" or an RFC 3339 time, in the future"},
			}},
		{Name: "APITokenInfo", Summary: "An API token as apitoken.list shows it: without its value.",
			Fields: []FieldDoc{
				{"id", "string", ""},
				{"title", "string", ""},
				{"expirationDate", "string", "RFC 3339; empty when the agent gave none"},
				{"createDate", "string", ""},
			}},
		{Name: "UserListOptions", Summary: "Options of user.list. A misspelt option is an error. Without sortfield the agent lists the newest users first (CreateDate, descending).",
			Fields: append(listOptionFields("username", "case-insensitive substring of the username"),
				FieldDoc{"userStatus", "(string|integer|(string|integer)[])?", "status filter: " + flagList(clickapi.UserStatusNames()) +
					", or \"all\"; several as a list or joined by \"|\" (default: every status)"},
				FieldDoc{"userType", "(string|integer|(string|integer)[])?", "type filter: " + flagList(clickapi.UserTypeNames()) +
					", or \"all\"; several as a list or joined by \"|\" (default: every type)"},
				FieldDoc{"status", "(string|integer|(string|integer)[])?", "short for userStatus"},
				FieldDoc{"type", "(string|integer|(string|integer)[])?", "short for userType"})},
		{Name: "BulkOptions", Summary: "Options of usergroup.assign and permission.grant.",
			Fields: []FieldDoc{{"batch", "integer?", fmt.Sprintf("items per request, 1 to 10000 (default %d)", DefaultBatchSize)}}},
		{Name: "ImportOptions", Summary: "Options of usergroup.import and usergroup.import_csv.",
			Fields: []FieldDoc{{"batch", "integer?", fmt.Sprintf("items per request, 1 to 10000 (default %d)", DefaultBatchSize)},
				{"create_groups", "boolean?", "create the groups that do not exist, one at a time before the first batch (listed in a --dry-run plan); without it a group that is not found is an error"}}},
		{Name: "SyncOptions", Summary: "Options of usergroup.sync.",
			Fields: []FieldDoc{
				{"add_only", "boolean?", "only add the missing members"},
				{"remove_only", "boolean?", "only remove the members not desired"},
				{"max_remove", "(integer|string)?", fmt.Sprintf("most members a sync may remove: a count, or a percentage of the current members as \"10%%\" (default %d%%); over it nothing is changed", DefaultMaxRemovePercent)},
				{"force", "boolean?", "go ahead even over max_remove"},
				{"allow_empty", "boolean?", "let the sync remove every member and leave the group empty (without it, emptying a group is refused before any write)"},
				{"batch", "integer?", "items per import request"},
			}},
		{Name: "BulkResult", Summary: "What usergroup.assign, usergroup.import and usergroup.import_csv did (or, under --dry-run, would do).",
			Fields: []FieldDoc{
				{"items", "integer", "rows given (after validation)"},
				{"added", "integer", "memberships added (planned, under --dry-run)"},
				{"unchanged", "integer", "rows that were memberships already"},
				{"skipped", "integer", "rows of batches an earlier run applied (the journal)"},
				{"created_users", "integer", "users the import creates"},
				{"batches", "integer", "batches the rows were split into"},
				{"dry_run", "boolean", "true when nothing was sent (--dry-run)"},
			}},
		{Name: "SyncResult", Summary: "What usergroup.sync planned and did.",
			Fields: []FieldDoc{
				{"group", "string", "the group's id"},
				{"adds", "string[]", "usernames added"},
				{"removes", "string[]", "usernames removed, sorted"},
				{"unchanged", "integer", "members that stay"},
				{"dry_run", "boolean", "true when nothing was changed (--dry-run)"},
				{"applied", "{added: integer, removed: integer}", "what was changed (zeros under --dry-run)"},
			}},
		{Name: "ApiError", Summary: "The error value of a failed API call (catch it with pcall); tostring gives message.",
			Fields: []FieldDoc{
				{"status", "integer", "the HTTP status: 499 for the agent's validation errors, 401 for an expired token (or refused credentials at login), 402 when import finds no active subscription, 500 for a server failure"},
				{"type", "string", "the vendor's error code, \"\" when the status has none: " + errorCodeList()},
				{"messages", "string[]", "the agent's messages"},
				{"op", "string", "the function that failed: \"usergroup.insert\""},
				{"endpoint", "string", "the request: \"POST /usergroup/insert\""},
				{"message", "string", "all of it in one line: \"usergroup.insert: 499 DUPLICATE: ...\""},
			}},
	}
}

// Classes returns the documentation of every table shape that the
// functions of Funcs take or return: the API's records (fields from the
// clickapi structs' json tags), then the Lua-only tables.
func Classes() []ClassDoc {
	var out []ClassDoc
	for _, m := range modelDocs() {
		out = append(out, ClassDoc{Name: m.model.Name(), Summary: m.summary, Fields: modelFields(m.model), Model: m.model})
	}
	return append(out, luaClasses()...)
}

// modelFields lists the fields of struct t by their json names. A pointer
// or an omitempty field is optional: Lua tables leave absent parts out.
func modelFields(t reflect.Type) []FieldDoc {
	var out []FieldDoc
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		typ := luaType(f.Type)
		if f.Type.Kind() == reflect.Pointer || slices.Contains(strings.Split(opts, ","), "omitempty") {
			typ += "?"
		}
		out = append(out, FieldDoc{Name: name, Type: typ})
	}
	return out
}

// luaType is the LuaLS type of a Go type as the bindings convert it.
func luaType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Pointer:
		return luaType(t.Elem())
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return luaType(t.Elem()) + "[]"
	case reflect.Map:
		return "table<" + luaType(t.Key()) + ", " + luaType(t.Elem()) + ">"
	case reflect.Struct:
		return t.Name()
	}
	return "any"
}

// flagList spells flag names and values for docs: "active (1), inactive (2)".
func flagList(names []clickapi.FlagName) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%q (%d)", n.Name, n.Value)
	}
	return strings.Join(parts, ", ")
}

// errorCodeList spells every error code the vendor documents, with its meaning.
func errorCodeList() string {
	codes := clickapi.ErrorCodes()
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%q %s", c.Code, c.Meaning)
	}
	return strings.Join(parts, "; ")
}
