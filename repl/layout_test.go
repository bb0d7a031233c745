package repl

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/stdlib"
)

// The layout fixtures are rows as the demo emulator lists them (groups
// with a CJK name and description and a name with a combining mark
// added; users with several statuses and types), in testdata/layout.

// fixtureRows decodes testdata/layout/NAME.json into Lua rows.
func fixtureRows(t *testing.T, name string) (*lua.LState, []lua.LValue) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "layout", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	L := lua.NewState()
	t.Cleanup(L.Close)
	stdlib.Open(L, stdlib.Options{})
	v, err := stdlib.DecodeJSON(L, string(data))
	if err != nil {
		t.Fatalf("%s.json: %v", name, err)
	}
	var rows []lua.LValue
	v.(*lua.LTable).ForEach(func(_, r lua.LValue) { rows = append(rows, r) })
	return L, rows
}

// layoutViews are the views the golden files show: fitted tables at three
// widths, the wide view, JSON, and the piped format.
var layoutViews = []struct {
	name string
	view View
}{
	{"60", View{Width: 60, Mode: ModeTable}},
	{"80", View{Width: 80, Mode: ModeTable}},
	{"120", View{Width: 120, Mode: ModeTable}},
	{"wide", View{Width: 80, Mode: ModeWide}},
	{"json", View{Width: 80, Mode: ModeJSON}},
	{"piped", View{}},
}

// TestLayoutGolden compares the tables of groups, members and users in
// every view with testdata/layout/NAME.VIEW.txt (-update rewrites them),
// and checks that no line of a fitted table is wider than its width.
func TestLayoutGolden(t *testing.T) {
	for _, fixture := range []string{"groups", "members", "users"} {
		L, rows := fixtureRows(t, fixture)
		for _, v := range layoutViews {
			t.Run(fixture+"/"+v.name, func(t *testing.T) {
				got := Printer{}.WithView(v.view).FormatList(L, rows, 3) + "\n"
				path := filepath.Join("testdata", "layout", fixture+"."+v.name+".txt")
				if *update {
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if got != string(want) {
					t.Errorf("%s differs:\n%s\nwant\n%s", path, got, want)
				}
				if v.view.Mode != ModeTable {
					return
				}
				for _, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
					if w := displayWidth(line); w > v.view.Width {
						t.Errorf("a line of %d columns in a view %d wide: %q", w, v.view.Width, line)
					}
				}
			})
		}
	}
}

// uuidPart matches what looks like the start of an id and goes on as far
// as the id's characters do.
var uuidPart = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f-]*…?`)

// TestLayoutKeepsIDsWhole: at every width from 30 to 160 columns, an id is
// shown whole or not at all, a line is no wider than the view (but for a
// first column that is an id), and a column left out is named in a note
// that points to :wide.
func TestLayoutKeepsIDsWhole(t *testing.T) {
	for _, fixture := range []string{"groups", "members", "users"} {
		L, rows := fixtureRows(t, fixture)
		for width := 30; width <= 160; width++ {
			got := Printer{Width: width, Mode: ModeTable}.FormatList(L, rows, 0)
			lines := strings.Split(got, "\n")
			for _, id := range uuidPart.FindAllString(got, -1) {
				if len(id) != 36 {
					t.Errorf("%s at %d columns: a cut id %q:\n%s", fixture, width, id, got)
				}
			}
			for _, line := range lines {
				if displayWidth(line) > width {
					t.Errorf("%s at %d columns: line %q is %d wide", fixture, width, line, displayWidth(line))
				}
			}
			header := strings.Fields(lines[0])
			note := lines[len(lines)-1]
			named := strings.HasPrefix(note, "(not shown: ") && strings.HasSuffix(note, "; :wide shows every column)")
			counted := regexp.MustCompile(`^\(\d+ more columns: :wide\)$`).MatchString(note)
			if len(header) < 8 && !named && !counted {
				t.Errorf("%s at %d columns: %d columns shown and no note of the others: %q", fixture, width, len(header), note)
			}
		}
	}
}

// TestLayoutMembersShowAssignmentID: a member list at 80 columns shows the
// assignment id usergroup.unassign takes, whole, on every row, beside the
// username; the group's name, the same on every row, gives way.
func TestLayoutMembersShowAssignmentID(t *testing.T) {
	L, rows := fixtureRows(t, "members")
	got := Printer{Width: 80, Mode: ModeTable}.FormatList(L, rows, 0)
	lines := strings.Split(got, "\n")
	if h := strings.Fields(lines[0]); len(h) < 2 || h[0] != "user.username" || h[1] != "userUserGroup.id" {
		t.Fatalf("header %q, want user.username and userUserGroup.id first:\n%s", lines[0], got)
	}
	if strings.Contains(lines[0], "userGroup.name") {
		t.Errorf("the group's name, the same on every row, is shown before more useful columns:\n%s", got)
	}
	for i, r := range rows {
		m := r.(*lua.LTable)
		id := m.RawGetString("userUserGroup").(*lua.LTable).RawGetString("id").String()
		user := m.RawGetString("user").(*lua.LTable).RawGetString("username").String()
		if f := strings.Fields(lines[i+1]); len(f) < 2 || f[0] != user || f[1] != id {
			t.Errorf("row %d: %q, want %s %s", i+1, lines[i+1], user, id)
		}
	}
}

// TestLayoutCutsByDisplayWidth: a long CJK description is cut to its
// column with an ellipsis, at a character boundary, and the columns after
// it line up; a combining mark stays with its letter.
func TestLayoutCutsByDisplayWidth(t *testing.T) {
	L, rows := fixtureRows(t, "groups")
	got := Printer{Width: 60, Mode: ModeTable}.FormatList(L, rows, 0)
	lines := strings.Split(got, "\n")
	var cjk, cafe string
	for _, l := range lines {
		if strings.HasPrefix(l, "設計チーム") {
			cjk = l
		}
		if strings.HasPrefix(l, "Cafe\u0301 Crew") {
			cafe = l
		}
	}
	if !strings.Contains(cjk, "東京オフィス") || !strings.Contains(cjk, "…") || strings.Contains(cjk, "長い説明") {
		t.Errorf("the CJK description is not cut with an ellipsis: %q", cjk)
	}
	if !strings.Contains(cafe, "Cafe\u0301 crew") || !strings.Contains(cafe, "…") {
		t.Errorf("the description with a combining mark is not cut, or lost its mark: %q", cafe)
	}
	// "active" starts at the same display column on every line.
	col := -1
	for _, l := range lines[:len(lines)-1] {
		i := strings.LastIndex(l, "  ")
		at := displayWidth(l[:i+2])
		if col == -1 {
			col = at
		} else if at != col {
			t.Errorf("the last column starts at %d, not %d: %q", at, col, l)
		}
	}
}

// TestLayoutEnumNames: user status and type, and permission levels, show
// by name in the terminal's views (tables and records), and as numbers in
// the piped format and in JSON.
func TestLayoutEnumNames(t *testing.T) {
	L, rows := fixtureRows(t, "users")
	got := Printer{Width: 120, Mode: ModeTable}.FormatList(L, rows, 0)
	for _, want := range []string{"  active  ", "  pending  ", "  inactive  ", "  active|pending  ", "  desktop_admin  ", "  desktop_standard_user"} {
		if !strings.Contains(got, want) {
			t.Errorf("the users table has no %q:\n%s", want, got)
		}
	}
	piped := Printer{}.FormatList(L, rows, 0)
	if strings.Contains(piped, "active") || strings.Contains(piped, "desktop_") {
		t.Errorf("the piped format names enum values:\n%s", piped)
	}
	record := Printer{Mode: ModeTable}.Format(L, rows[1])
	for _, want := range []string{"status = pending (4),", "userType = desktop_creative_user (32),"} {
		if !strings.Contains(record, want) {
			t.Errorf("the user record has no %q:\n%s", want, record)
		}
	}
	if s := (Printer{}).Format(L, rows[1]); !strings.Contains(s, "status = 4,") {
		t.Errorf("the piped record names its status:\n%s", s)
	}
	// A permission level, and a status that is not a user's (an error's).
	L2, v := luaValue(t, `{{project = {name = "Trailer Cut"}, permission = {id = "p1", permissionType = 1}},`+
		`{project = {name = "Brand Refresh"}, permission = {id = "p2", permissionType = 2}}}`)
	grants := Printer{Width: 80, Mode: ModeTable}.Format(L2, v)
	if !strings.Contains(grants, "Trailer Cut    read ") || !strings.Contains(grants, "Brand Refresh  readwrite") {
		t.Errorf("permission levels are not named:\n%s", grants)
	}
	_, e := luaValue(t, `{status = 499, type = "DUPLICATE"}`)
	if s := (Printer{Mode: ModeTable}).Format(L2, e); s != `{status = 499, type = "DUPLICATE"}` {
		t.Errorf("an error's status is taken for a user's: %s", s)
	}
}

// TestLayoutWideAndJSON: the wide view shows every column, cells whole
// whatever the width; the JSON view is the rows as JSON.
func TestLayoutWideAndJSON(t *testing.T) {
	L, rows := fixtureRows(t, "groups")
	wide := Printer{Width: 40, Mode: ModeWide}.FormatList(L, rows, 0)
	header := strings.Fields(strings.Split(wide, "\n")[0])
	if fmt.Sprint(header) != "[name description active id accountId deleted]" {
		t.Errorf("wide header %v", header)
	}
	if !strings.Contains(wide, "東京オフィスのデザインチーム、ポストプロダクションと色彩設計を担当する長い説明") || strings.Contains(wide, "…") || strings.Contains(wide, "not shown") {
		t.Errorf("the wide view cuts or leaves out:\n%s", wide)
	}
	js := Printer{Mode: ModeJSON}.FormatList(L, rows[:1], 2)
	want := "[\n  {\n    \"accountId\": \"acc00000-0000-4000-8000-000000000001\",\n    \"active\": true,\n    \"deleted\": false,\n" +
		"    \"description\": \"2D and 3D character animation\",\n    \"id\": \"00000000-0000-4000-8000-00000000000f\",\n    \"name\": \"Animation\"\n  }\n]\n... and 2 more"
	if js != want {
		t.Errorf("JSON view:\n%s\nwant\n%s", js, want)
	}
	if s := (Printer{Mode: ModeJSON}).Format(L, lua.LString("a\"b")); s != `"a\"b"` {
		t.Errorf("a string in the JSON view: %s", s)
	}
	if s := (Printer{Mode: ModeJSON}).Format(L, L.NewFunction(func(*lua.LState) int { return 0 })); !strings.HasPrefix(s, "function: ") {
		t.Errorf("a value with no JSON form is shown as usual: %s", s)
	}
}

// TestViewCommands: :wide, :json and :table switch the view of the next
// values, :help names the view in use, and :table comes back to the
// session's own table view (the piped format for a pipe).
func TestViewCommands(t *testing.T) {
	members := `usergroup.members(usergroup.find("Design Team"))`
	input := strings.Join([]string{
		":help", members, ":wide please",
		":wide", ":help", members,
		":json", ":help", `usergroup.find("Design Team")`,
		":table", members,
	}, "\n") + "\n"
	out, errs, err := runREPL(t, Options{Mode: ModeTable, Width: 80}, input)
	if err != nil {
		t.Fatalf("%v: %s", err, errs)
	}
	parts := regexp.MustCompile(`(?m)^Type a Lua expression`).Split(out, -1)
	if len(parts) != 4 {
		t.Fatalf("want 3 :help texts, got:\n%s", out)
	}
	fitted, wide, js, back := parts[1], parts[2], parts[3], parts[3]
	if !strings.Contains(fitted, "(the view now: table)") || !strings.Contains(fitted, "\nuser.username               userUserGroup.id                      user.status\n") {
		t.Errorf("the fitted view:\n%s", fitted)
	}
	for _, line := range strings.Split(fitted, "\n") {
		if strings.Contains(line, "@example.com") && displayWidth(line) > 80 {
			t.Errorf("a fitted row wider than 80: %q", line)
		}
	}
	if !strings.Contains(wide, "(the view now: wide)") || !strings.Contains(wide, "userUserGroup.userId") || strings.Contains(wide, "not shown") {
		t.Errorf("the wide view:\n%s", wide)
	}
	if !strings.Contains(js, "(the view now: json)") || !strings.Contains(js, "{\n  \"accountId\": \"acc00000-0000-4000-8000-000000000001\",\n  \"active\": true,") {
		t.Errorf("the JSON view:\n%s", js)
	}
	if i := strings.LastIndex(back, "\nuser.username               userUserGroup.id                      user.status\n"); i < strings.Index(back, `"accountId"`) {
		t.Errorf(":table does not come back to the fitted view:\n%s", back)
	}
	if errs != ":wide takes no argument\n" {
		t.Errorf("errors: %q", errs)
	}

	// On a pipe, :table comes back to the piped format.
	piped, errs, err := runREPL(t, Options{}, members+"\n:wide\n"+members+"\n:table\n"+members+"\n")
	if err != nil {
		t.Fatalf("%v: %s", err, errs)
	}
	plain := "user.username               user.firstname  user.lastname  user.email                  user.status  user.createDate\n"
	if strings.Count(piped, plain) != 2 || !strings.HasPrefix(piped, plain) || strings.Count(piped, "userUserGroup.userId") != 1 || strings.Count(piped, "(not shown: ") != 2 {
		t.Errorf("piped, :wide, :table:\n%s", piped)
	}
}
