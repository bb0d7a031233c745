package repl

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/stdlib"
)

// luaValue evaluates the Lua expression expr in a state with the standard
// library (json.null) open.
func luaValue(t *testing.T, expr string) (*lua.LState, lua.LValue) {
	t.Helper()
	L := lua.NewState()
	t.Cleanup(L.Close)
	stdlib.Open(L, stdlib.Options{})
	if err := L.DoString("return " + expr); err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return L, L.Get(-1)
}

func TestFormat(t *testing.T) {
	long := strings.Repeat("abcdefghij", 10)
	tests := []struct {
		name string
		p    Printer
		expr string
		want string
	}{
		{"number", Printer{}, "42", "42"},
		{"float", Printer{}, "1.5", "1.5"},
		{"bool", Printer{}, "true", "true"},
		{"nil", Printer{}, "nil", "nil"},
		{"top-level string is raw and whole", Printer{}, `"a \"b\"\n` + long + `"`, "a \"b\"\n" + long},
		{"null", Printer{}, "json.null", "null"},
		{"null in a list", Printer{}, `json.decode("[1, null, \"x\"]")`, `{1, null, "x"}`},
		{"empty", Printer{}, "{}", "{}"},
		{"inline keys sorted", Printer{}, "{b = 2, a = 1, [\"not ident\"] = 3, [10] = 4}", `{[10] = 4, a = 1, b = 2, ["not ident"] = 3}`},
		{"nested, indented, sorted", Printer{}, `{name = "x", tags = {"a", "b"}, owner = {id = 7, roles = {admin = true}}, 1, 2}`,
			"{\n" +
				"  1,\n" +
				"  2,\n" +
				"  name = \"x\",\n" +
				"  owner = {\n" +
				"    id = 7,\n" +
				"    roles = {admin = true},\n" +
				"  },\n" +
				"  tags = {\"a\", \"b\"},\n" +
				"}"},
		{"long string in a table is cut", Printer{}, `{s = "` + long + `"}`, `{s = "` + long[:59] + `…"}`},
		{"cut at StringCut", Printer{StringCut: 5}, `{"abcdefgh", "abc"}`, `{"abcd…", "abc"}`},
		{"long list is cut", Printer{Rows: 3}, "{{1}, {2}, {3}, {4}, {5}}",
			"{\n  {1},\n  {2},\n  {3},\n  ... and 2 more\n}"},
		{"functions", Printer{}, "{f = print}", "{f = function}"},
		{"tostring metamethod", Printer{}, `setmetatable({}, {__tostring = function() return "custom" end})`, "custom"},
		{"record list", Printer{}, `{{name = "b", id = 2, active = false}, {name = "a long name", id = 10, active = true, extra = json.null}}`,
			"name         active  id  extra\n" +
				"b            false    2\n" +
				"a long name  true    10  null"},
		{"record list cut", Printer{Rows: 2}, `{{name = "a"}, {name = "b"}, {name = "c"}, {name = "d"}}`,
			"name\na\nb\n... and 2 more"},
		{"record cells cut and on one line", Printer{StringCut: 8}, `{{name = "line one\nline two"}}`,
			"name\nline on…"},
		{"nested records flattened", Printer{}, `{{user = {username = "ada", id = "u1"}, link = {id = "l1"}}, {user = {username = "grace", id = "u2"}}}`,
			"link.id  user.username  user.id\n" +
				"l1       ada            u1\n" +
				"         grace          u2"},
		{"columns that do not fit", Printer{Width: 20}, `{{name = "ada", description = "x", id = "0123456789", zeta = 1}}`,
			"name  description\n" +
				"ada   x\n" +
				"(not shown: id and 1 more)"},
		{"columns that fit after one that does not", Printer{Width: 40}, `{{name = "ada", description = "x", id = "0123456789012345678901234", zeta = 1}}`,
			"name  description  zeta\n" +
				"ada   x               1\n" +
				"(not shown: id)"},
		{"mixed list is not a record table", Printer{}, `{{name = "a"}, 2}`, "{\n  {name = \"a\"},\n  2,\n}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			L, v := luaValue(t, tt.expr)
			if got := tt.p.Format(L, v); got != tt.want {
				t.Errorf("Format(%s) =\n%s\nwant\n%s", tt.expr, got, tt.want)
			}
		})
	}
}

func TestFormatCycleAndDepth(t *testing.T) {
	L, v := luaValue(t, "(function() local t = {name = 'loop', list = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25}}; t.self = t; return t end)()")
	got := Printer{}.Format(L, v)
	if !strings.Contains(got, "self = <cycle>") {
		t.Errorf("a table that contains itself:\n%s", got)
	}
	_, deep := luaValue(t, "{a = {b = {c = {d = {e = {f = {g = {h = 1}}}}}}}}")
	got = Printer{}.Format(L, deep)
	if !strings.Contains(got, "{...}") || strings.Contains(got, "h = 1") {
		t.Errorf("deep nesting is not cut:\n%s", got)
	}
}

// TestSeveralValues: the values of one expression are tab-separated when
// each fits on a line, one per line otherwise.
func TestSeveralValues(t *testing.T) {
	if got, errs, err := runREPL(t, Options{}, "\"a\", 2, nil\n"); got != "a\t2\tnil\n" {
		t.Errorf("scalars: %q (%s %v)", got, errs, err)
	}
	if got, errs, err := runREPL(t, Options{}, "1, {x = {y = {1, 2, 3}}, z = {w = {1}}}\n"); !strings.HasPrefix(got, "1\n{\n") {
		t.Errorf("a multi-line value goes on its own lines: %q (%s %v)", got, errs, err)
	}
}

func TestFormatList(t *testing.T) {
	L, v := luaValue(t, `{{name = "a", count = 5}, {name = "bb", count = 100}}`)
	rows := []lua.LValue{v.(*lua.LTable).RawGetInt(1), v.(*lua.LTable).RawGetInt(2)}
	p := Printer{}
	if got, want := p.FormatList(L, rows, 7), "name  count\na         5\nbb      100\n... and 7 more"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := p.FormatList(L, rows, -1); !strings.HasSuffix(got, "\n... and more") {
		t.Errorf("unknown rest: %q", got)
	}
	if got := p.FormatList(L, nil, 0); got != "(no rows)" {
		t.Errorf("no rows: %q", got)
	}
	if got := p.FormatList(L, []lua.LValue{lua.LString("x"), lua.LNumber(1)}, 0); got != "x\n1" {
		t.Errorf("scalar rows: %q", got)
	}
	if got := (Printer{Color: true}).FormatList(L, rows, 0); !strings.HasPrefix(got, "\x1b[1mname  count\x1b[0m\n") {
		t.Errorf("bold header: %q", got)
	}
}

// TestWideCharactersAlign: columns are measured in display width, so
// that names in CJK (two columns a character) and with combining marks
// (none) line up with ASCII ones, and a cut never splits a character.
func TestWideCharactersAlign(t *testing.T) {
	L, v := luaValue(t, "{{name = \"設計チーム\", count = 5}, {name = \"Design\", count = 12}, {name = \"Cafe\u0301\", count = 7}}")
	var rows []lua.LValue
	for i := 1; i <= 3; i++ {
		rows = append(rows, v.(*lua.LTable).RawGetInt(i))
	}
	got := Printer{}.FormatList(L, rows, 0)
	want := "name        count\n" +
		"設計チーム      5\n" +
		"Design         12\n" +
		"Cafe\u0301            7"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// The columns end at the same display column on every line.
	for _, line := range strings.Split(got, "\n") {
		if w := displayWidth(line); w != 17 {
			t.Errorf("line %q is %d columns wide, want 17", line, w)
		}
	}
	if got := cut("設計チーム管理", 7); got != "設計チ…" {
		t.Errorf("cut CJK to 7 columns: %q", got)
	}
	if got := cut("Cafe\u0301 latte", 5); got != "Cafe\u0301…" {
		t.Errorf("cut keeps the combining mark with its letter: %q", got)
	}
}

// TestFormatEscapesControls: text a value shows cannot drive the terminal
// (issue 15 item 5): in cells (of every view), column names, nested
// strings, __tostring results and JSON every control character is
// escaped; a top-level
// string keeps its lines and escapes the rest. The layout around the text
// is TestFormat's business: only the text is checked here.
func TestFormatEscapesControls(t *testing.T) {
	const hostile = `"\27]0;pwned\7\27[2J\r\nfake prompt"`
	tests := []struct {
		name, expr, want string
		mode             Mode
	}{
		{"top-level string", hostile, "\\x1b]0;pwned\\x07\\x1b[2J\\x0d\nfake prompt", ModePiped},
		{"record cell, fitted", `{{name = ` + hostile + `, id = 1}}`, `\x1b]0;pwned\x07\x1b[2J fake prompt`, ModeTable},
		{"record cell, wide", `{{name = ` + hostile + `, id = 1}}`, `\x1b]0;pwned\x07\x1b[2J fake prompt`, ModeWide},
		{"json", `{name = ` + hostile + ` .. "\127\194\155"}`, `"name": "\u001b]0;pwned\u0007\u001b[2J\r\nfake prompt\u007f\u009b"`, ModeJSON},
		{"record cell", `{{name = ` + hostile + `, id = 1}}`, `\x1b]0;pwned\x07\x1b[2J fake prompt`, ModePiped},
		{"column name", `{{["a\27[2Jb"] = 1}}`, `a\x1b[2Jb`, ModePiped},
		{"nested string", `{name = ` + hostile + `}`, `{name = "\x1b]0;pwned\a\x1b[2J\r\nfake prompt"}`, ModePiped},
		{"tostring", `setmetatable({}, {__tostring = function() return ` + hostile + ` end})`, `\x1b]0;pwned\x07\x1b[2J\x0d\x0afake prompt`, ModePiped},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			L, v := luaValue(t, tt.expr)
			got := Printer{Mode: tt.mode}.Format(L, v)
			if !strings.Contains(got, tt.want) {
				t.Errorf("Format(%s) =\n%q\nwant\n%q", tt.expr, got, tt.want)
			}
			if strings.ContainsAny(got, "\x1b\x07\r\x7f\u009b") {
				t.Errorf("a control character reached the view: %q", got)
			}
		})
	}
}
