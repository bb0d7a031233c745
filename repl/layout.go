package repl

import (
	"fmt"
	"slices"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/internal/printable"
)

// Mode is how a Printer shows values.
type Mode int

// The modes of a Printer. The zero value, ModePiped, is the format of a
// REPL reading from a pipe, which scripts may parse: it does not change.
const (
	// ModePiped shows a record table's columns in a fixed order (names
	// first), as many as fit Width, cells cut at StringCut.
	ModePiped Mode = iota
	// ModeTable fits a record table to Width: the most useful columns of
	// the row type (a group, a membership, a user...), long cells cut
	// with an ellipsis, ids whole or left out, enum values by name.
	ModeTable
	// ModeWide shows every column of a record table, cells whole, enum
	// values by name, however wide the lines get.
	ModeWide
	// ModeJSON shows values as indented JSON.
	ModeJSON
)

// String is the mode's name, as the REPL's commands spell it (":table").
func (m Mode) String() string {
	switch m {
	case ModePiped:
		return "piped"
	case ModeTable:
		return "table"
	case ModeWide:
		return "wide"
	case ModeJSON:
		return "json"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// View is how the REPL shows values: the width of the terminal in
// columns, and the mode. A zero Width means DefaultWidth.
type View struct {
	Width int
	Mode  Mode
}

// rowKind is what a list's records are, as far as choosing columns goes.
type rowKind int

const (
	kindGeneric    rowKind = iota
	kindMembership         // {user, userGroup, userUserGroup}
	kindGrant              // {permission, user or userGroup, project or drive}
	kindUser
	kindDrive
	kindToken
	kindNamed // a group or a project: {id, name, description, active, deleted}
)

// kindOf tells what recs are from the keys of the first one.
func kindOf(recs []*lua.LTable) rowKind {
	if len(recs) == 0 {
		return kindGeneric
	}
	t := recs[0]
	has := func(k string) bool { return t.RawGetString(k) != lua.LNil }
	switch {
	case has("userUserGroup"):
		return kindMembership
	case has("permission"):
		return kindGrant
	case has("username") && (has("userType") || has("status")):
		return kindUser
	case has("driveType") || has("syncType"):
		return kindDrive
	case has("title") && (has("expirationDate") || has("createDate")):
		return kindToken
	case has("name"):
		return kindNamed
	}
	return kindGeneric
}

// preferred is the columns a fitted table of kind shows, most useful first
// (those the rows have; "" for a generic kind: every column).
func preferred(kind rowKind) []string {
	switch kind {
	case kindMembership:
		return []string{"user.username", "userGroup.name", "userUserGroup.id", "user.status",
			"user.firstname", "user.lastname", "user.userType", "user.email"}
	case kindGrant:
		return []string{"userGroup.name", "user.username", "project.name", "sharedCloudDrive.name",
			"sharedClouDrive.name", "permission.permissionType", "permission.id"}
	case kindUser:
		return []string{"username", "status", "userType", "firstname", "lastname", "id", "email"}
	case kindDrive:
		return []string{"name", "active", "id", "driveType", "syncType"}
	case kindToken:
		return []string{"title", "expirationDate", "createDate", "id"}
	case kindNamed:
		return []string{"name", "description", "active", "id"}
	}
	return nil
}

// isIDColumn reports whether a column holds ids, which are never cut.
func isIDColumn(c *column) bool { return c.field == "id" || strings.HasSuffix(c.field, "Id") }

// isKeyColumn reports whether a column holds names people type (a
// username, a group's name), cut only when nothing else fits.
func isKeyColumn(c *column) bool {
	return c.field == "name" || c.field == "username" || c.field == "title"
}

// enumName returns how a fitted table shows the value v of the column
// (parent, field) of rows of kind: the name of an enum value ("active",
// "desktop_admin", "readwrite"), or "" to show it as it is.
func enumName(kind rowKind, parent, field string, v lua.LValue) string {
	n, ok := v.(lua.LNumber)
	if !ok || float64(n) != float64(int(n)) {
		return ""
	}
	inUser := parent == "user" || (parent == "" && kind == kindUser)
	switch {
	case field == "status" && inUser:
		return clickapi.FlagNames(int(n), clickapi.UserStatusNames())
	case field == "userType" && inUser:
		return clickapi.FlagNames(int(n), clickapi.UserTypeNames())
	case field == "permissionType":
		if l := clickapi.PermissionLevel(n); l.Valid() {
			return l.String()
		}
	}
	return ""
}

// recordEnum returns the name of the value of t's field k when t is a
// user or a permission record ("" otherwise), for the nested view.
func recordEnum(t *lua.LTable, k lua.LValue) string {
	ks, ok := k.(lua.LString)
	if !ok {
		return ""
	}
	kind := kindGeneric
	if t.RawGetString("username") != lua.LNil && (t.RawGetString("userType") != lua.LNil || t.RawGetString("status") != lua.LNil) {
		kind = kindUser
	}
	return enumName(kind, "", string(ks), t.RawGet(k))
}

// fittedTable writes recs as a table for the terminal: in ModeTable the
// preferred columns of their kind that fit p's width, cut to fit; in
// ModeWide every column, whole. A note names the columns left out and
// says how to see them.
func (p Printer) fittedTable(b *strings.Builder, recs []*lua.LTable) {
	kind := kindOf(recs)
	all := recordColumns(recs)
	wide := p.Mode == ModeWide
	for _, c := range all {
		p.fillNamed(c, recs, kind, wide)
	}
	shown := all
	var hidden []*column
	if !wide {
		shown, hidden = p.fitColumns(candidates(kind, all, len(recs)), all)
	}
	cells := make([]string, len(shown))
	for i, c := range shown {
		cells[i] = c.name()
	}
	b.WriteString(p.bold(alignRow(shown, cells, false)) + "\n")
	for row := range recs {
		for i, c := range shown {
			cells[i] = c.cells[row]
			if displayWidth(cells[i]) > c.width {
				cells[i] = cut(cells[i], c.width)
			}
		}
		b.WriteString(alignRow(shown, cells, true) + "\n")
	}
	if len(hidden) > 0 {
		b.WriteString(p.dim(fittedNote(hidden, p.width())) + "\n")
	}
}

// candidates returns the columns of all a fitted table may show, most
// useful first: the preferred columns of kind (every column for a
// generic kind), names that are the same on every row (the group of a
// group's members) after the others when there are several rows.
func candidates(kind rowKind, all []*column, rows int) []*column {
	var out []*column
	if names := preferred(kind); names != nil {
		for _, n := range names {
			if i := slices.IndexFunc(all, func(c *column) bool { return c.name() == n }); i >= 0 {
				out = append(out, all[i])
			}
		}
	} else {
		out = slices.Clone(all)
	}
	if rows < 2 {
		return out
	}
	constant := func(c *column) bool {
		if !isKeyColumn(c) {
			return false
		}
		for _, s := range c.cells[1:] {
			if s != c.cells[0] {
				return false
			}
		}
		return true
	}
	varying := slices.DeleteFunc(slices.Clone(out), constant)
	for _, c := range out {
		if constant(c) {
			varying = append(varying, c)
		}
	}
	return varying
}

// minTextWidth is the narrowest a text column is cut to before it is
// left out instead.
const minTextWidth = 20

// fitColumns chooses, from cands in order, the columns that fit p's width
// at their narrowest (ids and names whole, other text cut to
// minTextWidth, never narrower than the header), then widens the text
// columns, in order, into the room left. The first candidate is always
// shown (cut to the width if it is not an id). It returns the columns
// shown, in the order of cands, and the columns of all not shown.
func (p Printer) fitColumns(cands, all []*column) (shown, hidden []*column) {
	width := p.width()
	minW := func(c *column) int {
		if isIDColumn(c) || isKeyColumn(c) || c.enum {
			return c.width
		}
		return min(c.width, max(displayWidth(c.name()), minTextWidth))
	}
	total := 0
	natural := map[*column]int{}
	for _, c := range cands {
		natural[c] = c.width
		w := minW(c)
		if len(shown) == 0 {
			if !isIDColumn(c) {
				w = min(w, width)
			}
			shown, total = append(shown, c), w
			c.width = w
			continue
		}
		if total+2+w > width {
			continue
		}
		shown, total = append(shown, c), total+2+w
		c.width = w
	}
	for _, c := range shown {
		if grow := min(natural[c]-c.width, width-total); grow > 0 {
			c.width += grow
			total += grow
		}
	}
	for _, c := range all {
		if !slices.Contains(shown, c) {
			hidden = append(hidden, c)
		}
	}
	return shown, hidden
}

// fillNamed renders c's cell of every record as fill does, enum values
// by name, strings whole when whole is set; and measures c.
func (p Printer) fillNamed(c *column, recs []*lua.LTable, kind rowKind, whole bool) {
	c.width = displayWidth(c.name())
	for _, t := range recs {
		v := c.value(t)
		s := enumName(kind, c.parent, c.field, v)
		if s != "" {
			c.enum = true
		} else {
			if str, ok := v.(lua.LString); ok && whole {
				s = printable.Escape(oneLine(string(str)))
			} else {
				s = p.cell(v)
			}
		}
		if _, isNum := v.(lua.LNumber); (!isNum || s != v.String()) && v != lua.LNil {
			c.numeric = false
		}
		c.cells = append(c.cells, s)
		c.width = max(c.width, displayWidth(s))
	}
}

// oneLine replaces the line breaks and tabs of s by spaces.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ").Replace(s)
}

// wideHint is how the note under a fitted table says how to see the
// columns it leaves out.
const wideHint = "; :wide shows every column"

// fittedNote names the columns left out of a fitted table, and how to see
// them, within width: "(not shown: id, accountId; :wide shows every
// column)", "(not shown: a and 9 more; ...)", or in a narrow view only
// their count: "(10 more columns: :wide)".
func fittedNote(hidden []*column, width int) string {
	note := strings.TrimSuffix(hiddenNote(hidden, width-len(wideHint)), ")") + wideHint + ")"
	if displayWidth(note) <= width {
		return note
	}
	return fmt.Sprintf("(%d more columns: :wide)", len(hidden))
}
