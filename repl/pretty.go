package repl

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/rivo/uniseg"
	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/internal/printable"
	"github.com/clickscript/clickscript/stdlib"
)

// Defaults of a Printer's zero fields.
const (
	DefaultRows      = 20  // rows of a list shown before "... and N more"
	DefaultWidth     = 120 // widest record table before columns are left out
	DefaultStringCut = 60  // characters of a string shown inside a table
)

// maxDepth is how deep nested tables are shown; deeper ones print as {...}.
const maxDepth = 6

// inlineWidth is the widest a table of scalars may be to print on one line.
const inlineWidth = 72

// Printer renders the values of REPL expressions for people: nested tables
// indented with sorted keys, lists of records as aligned tables of their
// scalar columns, long lists and strings cut, json.null as null. Its zero
// value uses the defaults above.
type Printer struct {
	Rows      int  // list rows (and table entries) shown; 0: DefaultRows
	Width     int  // a record table wider than this leaves columns out; 0: DefaultWidth
	StringCut int  // strings inside tables are cut after this many characters; 0: DefaultStringCut
	Color     bool // bold table headers, dim notes (for terminals)
	Mode      Mode // how values are shown; the zero value is the piped format
}

// View returns the printer's view: its width and mode.
func (p Printer) View() View { return View{Width: p.width(), Mode: p.Mode} }

// WithView returns p showing values in view (a zero width keeps p's).
func (p Printer) WithView(v View) Printer {
	if v.Width > 0 {
		p.Width = v.Width
	}
	p.Mode = v.Mode
	return p
}

func (p Printer) rows() int      { return cmp.Or(p.Rows, DefaultRows) }
func (p Printer) width() int     { return cmp.Or(p.Width, DefaultWidth) }
func (p Printer) stringCut() int { return cmp.Or(p.StringCut, DefaultStringCut) }

// Format renders v as the REPL shows a value, without a trailing newline.
// A top-level string is shown whole and unquoted, its lines as lines, as
// Lua's print would, but with every other control character escaped
// (printable.Message); all other text a value shows is escaped whole
// (printable.Escape): the REPL is a view of data that may come from the
// agent, and must not let it drive the terminal; a list of records becomes an aligned table (see FormatList). L is
// the state v belongs to, for __tostring metamethods; Format calls nothing
// else, so it never fails. A list iterator is shown by its name: the REPL
// walks iterators itself and passes the rows to FormatList.
func (p Printer) Format(L *lua.LState, v lua.LValue) string {
	if p.Mode == ModeJSON {
		if s, ok := jsonText(v); ok {
			return s
		}
	}
	switch v := v.(type) {
	case lua.LString:
		return printable.Message(string(v))
	case *lua.LTable:
		if hasToString(L, v) {
			return printable.Escape(L.ToStringMeta(v).String())
		}
		if rows := recordList(v); rows != nil {
			shown := min(len(rows), p.rows())
			return p.FormatList(L, rows[:shown], len(rows)-shown)
		}
		return p.table(L, v, 0, map[*lua.LTable]bool{})
	}
	return p.scalar(L, v, false)
}

// FormatList renders rows, the first rows of a list, followed by a note of
// the more rows not shown (more < 0: an unknown number). Rows that are all
// records (tables with string keys) become an aligned table of their scalar
// fields, and of the scalar fields of their record fields ("user.username");
// other rows are shown one per line.
func (p Printer) FormatList(L *lua.LState, rows []lua.LValue, more int) string {
	var b strings.Builder
	if p.Mode == ModeJSON && len(rows) > 0 {
		list := newTable(L)
		for _, r := range rows {
			list.Append(r)
		}
		if s, ok := jsonText(list); ok {
			b.WriteString(s + "\n")
			rows = nil
		}
	}
	recs := make([]*lua.LTable, 0, len(rows))
	for _, r := range rows {
		if t, ok := r.(*lua.LTable); ok && isRecord(t) && !hasToString(L, t) {
			recs = append(recs, t)
		}
	}
	switch {
	case len(rows) == 0:
	case len(recs) == len(rows) && (p.Mode == ModeTable || p.Mode == ModeWide):
		p.fittedTable(&b, recs)
	case len(recs) == len(rows):
		p.recordTable(&b, recs)
	default:
		for _, r := range rows {
			b.WriteString(p.Format(L, r))
			b.WriteByte('\n')
		}
	}
	switch {
	case more > 0:
		b.WriteString(p.dim(fmt.Sprintf("... and %d more", more)) + "\n")
	case more < 0:
		b.WriteString(p.dim("... and more") + "\n")
	case len(rows) == 0 && b.Len() == 0:
		b.WriteString(p.dim("(no rows)") + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// column is one column of a record table: a field of the rows, or a field
// of one of their record fields (parent != "").
type column struct {
	parent, field string
	cells         []string
	width         int
	numeric       bool
	enum          bool // shows enum values by name, which are never cut
}

func (c *column) name() string {
	if c.parent == "" {
		return printable.Escape(c.field)
	}
	return printable.Escape(c.parent + "." + c.field)
}

// fieldRank orders the columns people look for first; other fields follow
// in alphabetical order.
func fieldRank(f string) int {
	switch f {
	case "name":
		return 1
	case "username":
		return 2
	case "firstname":
		return 3
	case "lastname":
		return 4
	case "email":
		return 5
	case "description":
		return 6
	case "active":
		return 7
	case "status":
		return 8
	case "id":
		return 9
	}
	return 10
}

// compareFields orders field names by rank, then alphabetically.
func compareFields(a, b string) int {
	return cmp.Or(cmp.Compare(fieldRank(a), fieldRank(b)), cmp.Compare(a, b))
}

// recordTable writes recs as an aligned table, its columns in a readable
// order (names first, then the rest sorted, fields of nested records after
// the row's own) and as many of them as fit the printer's width. Widths are
// display widths: a CJK character takes two columns, a combining mark none.
func (p Printer) recordTable(b *strings.Builder, recs []*lua.LTable) {
	cols := recordColumns(recs)
	for _, c := range cols {
		p.fill(c, recs)
	}
	shown, hidden := p.fit(cols)
	cells := make([]string, len(shown))
	for i, c := range shown {
		cells[i] = c.name()
	}
	b.WriteString(p.bold(alignRow(shown, cells, false)) + "\n")
	for row := range recs {
		for i, c := range shown {
			cells[i] = c.cells[row]
		}
		b.WriteString(alignRow(shown, cells, true) + "\n")
	}
	if len(hidden) > 0 {
		b.WriteString(p.dim(hiddenNote(hidden, p.width())) + "\n")
	}
}

// recordColumns returns the columns of recs, in the order a table shows
// them: the scalar fields of the rows, then those of their record fields.
func recordColumns(recs []*lua.LTable) []*column {
	cols := map[string]*column{}
	add := func(parent, field string) {
		k := parent + "." + field
		if cols[k] == nil {
			cols[k] = &column{parent: parent, field: field, numeric: true}
		}
	}
	for _, t := range recs {
		t.ForEach(func(k, v lua.LValue) {
			ks, ok := k.(lua.LString)
			if !ok {
				return
			}
			if isCell(v) {
				add("", string(ks))
			} else if sub, ok := v.(*lua.LTable); ok && isRecord(sub) {
				sub.ForEach(func(sk, sv lua.LValue) {
					if sks, ok := sk.(lua.LString); ok && isCell(sv) {
						add(string(ks), string(sks))
					}
				})
			}
		})
	}
	order := make([]*column, 0, len(cols))
	for _, c := range cols {
		order = append(order, c)
	}
	slices.SortFunc(order, func(a, b *column) int {
		if (a.parent == "") != (b.parent == "") {
			if a.parent == "" {
				return -1
			}
			return 1
		}
		return cmp.Or(compareFields(a.parent, b.parent), compareFields(a.field, b.field))
	})
	return order
}

// value is c's field of record t: t[field], or t[parent][field] for a
// field of a nested record (nil when t[parent] is not a table).
func (c *column) value(t *lua.LTable) lua.LValue {
	if c.parent == "" {
		return t.RawGetString(c.field)
	}
	if sub, ok := t.RawGetString(c.parent).(*lua.LTable); ok {
		return sub.RawGetString(c.field)
	}
	return lua.LNil
}

// fill renders c's cell of every record, and measures c.
func (p Printer) fill(c *column, recs []*lua.LTable) {
	c.width = displayWidth(c.name())
	for _, t := range recs {
		v := c.value(t)
		s := p.cell(v)
		if _, isNum := v.(lua.LNumber); !isNum && v != lua.LNil {
			c.numeric = false
		}
		c.cells = append(c.cells, s)
		c.width = max(c.width, displayWidth(s))
	}
}

// fit keeps the columns that fit the printer's width, in order (the first
// always does), and returns those it leaves out.
func (p Printer) fit(order []*column) (shown, hidden []*column) {
	total := 0
	for _, c := range order {
		w := c.width
		if len(shown) > 0 {
			w += 2
		}
		if len(shown) > 0 && total+w > p.width() {
			hidden = append(hidden, c)
			continue
		}
		shown = append(shown, c)
		total += w
	}
	return shown, hidden
}

// alignRow pads cells to their columns' widths, two spaces apart; numeric
// columns are right-aligned when alignNumbers is set (not in the header).
func alignRow(cols []*column, cells []string, alignNumbers bool) string {
	var l strings.Builder
	for i, c := range cols {
		if i > 0 {
			l.WriteString("  ")
		}
		pad := strings.Repeat(" ", c.width-displayWidth(cells[i]))
		if alignNumbers && c.numeric {
			l.WriteString(pad + cells[i])
		} else {
			l.WriteString(cells[i] + pad)
		}
	}
	return strings.TrimRight(l.String(), " ")
}

// displayWidth is how many terminal columns s takes.
func displayWidth(s string) int { return uniseg.StringWidth(s) }

// hiddenNote names the columns left out of a record table, as many as fit
// in width: "(not shown: accountId, deleted)", "(not shown: a, b and 9 more)".
func hiddenNote(hidden []*column, width int) string {
	note := "(not shown: "
	for i, c := range hidden {
		rest := ""
		if left := len(hidden) - i - 1; left > 0 {
			rest = fmt.Sprintf(" and %d more", left)
		}
		if i > 0 && displayWidth(note)+displayWidth(c.name())+len(rest)+3 > width {
			return note + fmt.Sprintf(" and %d more)", len(hidden)-i)
		}
		if i > 0 {
			note += ", "
		}
		note += c.name()
	}
	return note + ")"
}

// cell renders a table cell: strings unquoted and cut, on one line.
func (p Printer) cell(v lua.LValue) string {
	switch v := v.(type) {
	case *lua.LNilType:
		return ""
	case lua.LString:
		s := strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ").Replace(string(v))
		return cut(printable.Escape(s), p.stringCut())
	}
	if stdlib.IsNull(v) {
		return "null"
	}
	return v.String()
}

// table renders t at nesting level depth, path holding the tables being
// rendered (to show cycles).
func (p Printer) table(L *lua.LState, t *lua.LTable, depth int, path map[*lua.LTable]bool) string {
	if path[t] {
		return "<cycle>"
	}
	if hasToString(L, t) {
		return printable.Escape(L.ToStringMeta(t).String())
	}
	keys := sortedKeys(t)
	if len(keys) == 0 {
		return "{}"
	}
	if depth >= maxDepth {
		return "{...}"
	}
	n := arrayLen(t)
	entry := func(k lua.LValue, v string) string {
		if i, ok := k.(lua.LNumber); ok && float64(i) >= 1 && float64(i) <= float64(n) && float64(i) == float64(int(i)) {
			return v
		}
		return keyString(k) + " = " + v
	}
	// A table of scalars that is short prints on one line.
	if scalarsOnly(t) && len(keys) <= p.rows() {
		parts := make([]string, len(keys))
		for i, k := range keys {
			s := p.scalar(L, t.RawGet(k), true)
			if name := p.enumOf(t, k); name != "" {
				s = name + " (" + s + ")"
			}
			parts[i] = entry(k, s)
		}
		if s := "{" + strings.Join(parts, ", ") + "}"; displayWidth(s)+2*depth <= inlineWidth {
			return s
		}
	}
	path[t] = true
	defer delete(path, t)
	indent := strings.Repeat("  ", depth+1)
	var b strings.Builder
	b.WriteString("{\n")
	shown := min(len(keys), p.rows())
	for _, k := range keys[:shown] {
		v := t.RawGet(k)
		var s string
		if sub, ok := v.(*lua.LTable); ok {
			s = p.table(L, sub, depth+1, path)
		} else {
			s = p.scalar(L, v, true)
			if name := p.enumOf(t, k); name != "" {
				s = name + " (" + s + ")"
			}
		}
		b.WriteString(indent + entry(k, s) + ",\n")
	}
	if more := len(keys) - shown; more > 0 {
		b.WriteString(indent + p.dim(fmt.Sprintf("... and %d more", more)) + "\n")
	}
	b.WriteString(strings.Repeat("  ", depth) + "}")
	return b.String()
}

// scalar renders a value that is not a table to show; inTable quotes and
// cuts strings and shortens functions.
func (p Printer) scalar(L *lua.LState, v lua.LValue, inTable bool) string {
	switch v := v.(type) {
	case lua.LString:
		if inTable {
			return strconv.Quote(cut(string(v), p.stringCut()))
		}
		return string(v)
	case *lua.LFunction:
		if inTable {
			return "function"
		}
		return v.String()
	case *lua.LTable:
		return p.table(L, v, 0, map[*lua.LTable]bool{})
	case *lua.LUserData:
		if stdlib.IsNull(v) {
			return "null"
		}
		if L != nil {
			return printable.Escape(L.ToStringMeta(v).String())
		}
	}
	return v.String()
}

// enumOf is the name of the enum value of t's field k ("active" for a
// user's status 1) in the terminal's views, "" otherwise.
func (p Printer) enumOf(t *lua.LTable, k lua.LValue) string {
	if p.Mode != ModeTable && p.Mode != ModeWide {
		return ""
	}
	return recordEnum(t, k)
}

// newTable makes a table in L, or without a state when L is nil.
func newTable(L *lua.LState) *lua.LTable {
	if L != nil {
		return L.NewTable()
	}
	return &lua.LTable{}
}

// jsonText is v as indented JSON, or false when v has no JSON form (a
// function, a cycle): it is shown as a table then. Control characters the
// encoder leaves (DEL, C1) are JSON-escaped too (printable.JSON).
func jsonText(v lua.LValue) (string, bool) {
	data, err := stdlib.EncodeJSON(v, "  ")
	if err != nil {
		return "", false
	}
	return printable.JSON(string(data)), true
}

func (p Printer) bold(s string) string {
	if p.Color {
		return "\x1b[1m" + s + "\x1b[0m"
	}
	return s
}

func (p Printer) dim(s string) string {
	if p.Color {
		return "\x1b[2m" + s + "\x1b[0m"
	}
	return s
}

// cut shortens s to n columns of display width, the last one an
// ellipsis; it never splits a character (a grapheme cluster).
func cut(s string, n int) string {
	if displayWidth(s) <= n {
		return s
	}
	var b strings.Builder
	w, state := 0, -1
	for rest := s; rest != ""; {
		var cluster string
		var cw int
		cluster, rest, cw, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if w+cw > n-1 {
			break
		}
		b.WriteString(cluster)
		w += cw
	}
	return b.String() + "…"
}

// hasToString reports whether v has a __tostring metamethod (an API error
// table, say), which says how it wants to be shown.
func hasToString(L *lua.LState, v lua.LValue) bool {
	return L != nil && L.GetMetaField(v, "__tostring") != lua.LNil
}

// isCell reports whether v is shown as a column of a record table.
func isCell(v lua.LValue) bool {
	switch v.(type) {
	case lua.LString, lua.LNumber, lua.LBool:
		return true
	}
	return stdlib.IsNull(v)
}

// isRecord reports whether t is a record: a table with string keys only.
func isRecord(t *lua.LTable) bool {
	n := 0
	ok := true
	t.ForEach(func(k, _ lua.LValue) {
		n++
		if _, s := k.(lua.LString); !s {
			ok = false
		}
	})
	return ok && n > 0
}

// recordList returns the elements of t when t is a non-empty list (keys 1
// to n only) of records, and nil otherwise.
func recordList(t *lua.LTable) []lua.LValue {
	n := arrayLen(t)
	if n == 0 {
		return nil
	}
	count := 0
	t.ForEach(func(lua.LValue, lua.LValue) { count++ })
	if count != n {
		return nil
	}
	rows := make([]lua.LValue, n)
	for i := range n {
		sub, ok := t.RawGetInt(i + 1).(*lua.LTable)
		if !ok || !isRecord(sub) {
			return nil
		}
		rows[i] = sub
	}
	return rows
}

// arrayLen is the length of t's sequence 1..n (stopping at the first nil).
func arrayLen(t *lua.LTable) int {
	n := 0
	for t.RawGetInt(n+1) != lua.LNil {
		n++
	}
	return n
}

// scalarsOnly reports whether no value of t is a non-empty table.
func scalarsOnly(t *lua.LTable) bool {
	ok := true
	t.ForEach(func(_, v lua.LValue) {
		if sub, isT := v.(*lua.LTable); isT {
			k, _ := sub.Next(lua.LNil)
			if k != lua.LNil {
				ok = false
			}
		}
	})
	return ok
}

// sortedKeys returns t's keys: the sequence 1..n in order, then numbers,
// then strings, then any other keys, each group sorted.
func sortedKeys(t *lua.LTable) []lua.LValue {
	n := arrayLen(t)
	keys := make([]lua.LValue, 0, n)
	for i := 1; i <= n; i++ {
		keys = append(keys, lua.LNumber(i))
	}
	var rest []lua.LValue
	t.ForEach(func(k, _ lua.LValue) {
		if i, ok := k.(lua.LNumber); ok && float64(i) >= 1 && float64(i) <= float64(n) && float64(i) == float64(int(i)) {
			return
		}
		rest = append(rest, k)
	})
	kind := func(v lua.LValue) int {
		switch v.(type) {
		case lua.LNumber:
			return 0
		case lua.LString:
			return 1
		case lua.LBool:
			return 2
		}
		return 3
	}
	slices.SortFunc(rest, func(a, b lua.LValue) int {
		if c := cmp.Compare(kind(a), kind(b)); c != 0 {
			return c
		}
		if x, ok := a.(lua.LNumber); ok {
			return cmp.Compare(float64(x), float64(b.(lua.LNumber)))
		}
		return cmp.Compare(a.String(), b.String())
	})
	return append(keys, rest...)
}

// luaKeywords returns the reserved words of Lua 5.1.
func luaKeywords() []string {
	return []string{
		"and", "break", "do", "else", "elseif", "end", "false", "for", "function", "if",
		"in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
	}
}

// isIdent reports whether s can be written as a bare field name.
func isIdent(s string) bool {
	if s == "" || slices.Contains(luaKeywords(), s) {
		return false
	}
	for i, r := range s {
		if r != '_' && !(r >= 'a' && r <= 'z') && !(r >= 'A' && r <= 'Z') && !(i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// keyString renders a table key as Lua source would write it.
func keyString(k lua.LValue) string {
	if s, ok := k.(lua.LString); ok {
		if isIdent(string(s)) {
			return string(s)
		}
		return "[" + strconv.Quote(string(s)) + "]"
	}
	return "[" + k.String() + "]"
}
