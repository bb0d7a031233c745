package stdlib

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// parseJSON parses text with csv.parse and the Lua options opts, and returns
// the rows and the columns as JSON.
func parseJSON(t *testing.T, L *lua.LState, text, opts string) (rows, columns string) {
	t.Helper()
	L.SetGlobal("text", lua.LString(text))
	if err := L.DoString("rows, columns = csv.parse(text, " + opts + ")"); err != nil {
		t.Fatalf("csv.parse(%q, %s): %v", text, opts, err)
	}
	rows = eval(t, L, "json.encode(rows)").String()
	columns = eval(t, L, "json.encode(columns)").String()
	return rows, columns
}

func TestCSVParse(t *testing.T) {
	L := newState(t)
	tests := []struct {
		name    string
		text    string
		opts    string
		rows    string
		columns string
	}{
		{"basic", "name,email\nAlice,a@x\nBob,b@x\n", "nil",
			`[{"email":"a@x","name":"Alice"},{"email":"b@x","name":"Bob"}]`, `["name","email"]`},
		{"columns keep file order", "z,a,m\n1,2,3\n", "nil", `[{"a":"2","m":"3","z":"1"}]`, `["z","a","m"]`},
		{"no final newline", "a,b\n1,2", "nil", `[{"a":"1","b":"2"}]`, `["a","b"]`},
		{"CRLF", "a,b\r\n1,2\r\n", "nil", `[{"a":"1","b":"2"}]`, `["a","b"]`},
		{"BOM stripped", "\ufeffname,email\nA,a\n", "nil", `[{"email":"a","name":"A"}]`, `["name","email"]`},
		{"header only", "a,b\n", "nil", `[]`, `["a","b"]`},
		{"blank lines skipped", "a,b\n\n1,2\n\n", "nil", `[{"a":"1","b":"2"}]`, `["a","b"]`},
		{"trimmed by default", " name , email \n  Alice ,  a@x\t\n", "nil", `[{"email":"a@x","name":"Alice"}]`, `["name","email"]`},
		{"trim = false", "a,b\n 1 ,2\n", "{trim = false}", `[{"a":" 1 ","b":"2"}]`, `["a","b"]`},
		{"empty fields", "a,b,c\n,,\n", "nil", `[{"a":"","b":"","c":""}]`, `["a","b","c"]`},
		{"quoting", "name,note\n\"Smith, J\",\"said \"\"hi\"\"\"\n", "nil", `[{"name":"Smith, J","note":"said \"hi\""}]`, `["name","note"]`},
		{"quoted newline", "a,b\n\"line1\nline2\",x\n", "nil", `[{"a":"line1\nline2","b":"x"}]`, `["a","b"]`},
		{"quoted spaces kept with trim = false", "a\n\" x \"\n", "{trim = false}", `[{"a":" x "}]`, `["a"]`},
		{"semicolon", "a;b\n1;2,5\n", `{sep = ";"}`, `[{"a":"1","b":"2,5"}]`, `["a","b"]`},
		{"tab", "a\tb\n1\t2\n", `{sep = "\t"}`, `[{"a":"1","b":"2"}]`, `["a","b"]`},
		{"unicode", "nom,ville\nÉlodie,Zürich\n", "nil", `[{"nom":"Élodie","ville":"Zürich"}]`, `["nom","ville"]`},
		{"header = false", "a,b\n1,2\n", "{header = false}", `[["a","b"],["1","2"]]`, `null`},
		{"header = false, empty", "", "{header = false}", `[]`, `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, columns := parseJSON(t, L, tt.text, tt.opts)
			if rows != tt.rows {
				t.Errorf("rows = %s, want %s", rows, tt.rows)
			}
			if columns != tt.columns {
				t.Errorf("columns = %s, want %s", columns, tt.columns)
			}
		})
	}
}

func TestCSVParseErrors(t *testing.T) {
	L := newState(t)
	tests := []struct {
		name string
		text string
		opts string
		want string
	}{
		{"short row", "a,b,c\n1,2,3\n\n4,5\n", "nil", "csv.parse: <string>:4: expected 3 fields, got 2"},
		{"long row", "a,b\n1,2,3\n", "nil", "csv.parse: <string>:2: expected 2 fields, got 3"},
		{"row after a multi-line field", "a,b\n\"x\ny\",1\n2\n", "nil", "csv.parse: <string>:4: expected 2 fields, got 1"},
		{"ragged without header", "a,b\n1\n", "{header = false}", "csv.parse: <string>:2: expected 2 fields (as on line 1), got 1"},
		{"empty header name", "a,,c\n", "nil", "csv.parse: <string>:1: column 2 has an empty name in the header"},
		{"blank header name once trimmed", "a, ,c\n", "nil", "csv.parse: <string>:1: column 2 has an empty name in the header"},
		{"duplicate header name", "a,b,a\n", "nil", `csv.parse: <string>:1: duplicate column name "a" in the header (columns 1 and 3)`},
		{"duplicate after trim", "a, a\n", "nil", `csv.parse: <string>:1: duplicate column name "a" in the header (columns 1 and 2)`},
		{"header on a later line", "\n\na,a\n", "nil", `csv.parse: <string>:3: duplicate column name "a"`},
		{"bare quote", "a,b\n1,x\"y\n", "nil", `csv.parse: <string>:2:4: bare " in non-quoted-field`},
		{"text after quote", "a,b\n1,\"x\"y\n", "nil", `csv.parse: <string>:2:5: extraneous or missing " in quoted-field`},
		{"unterminated quote", "a,b\n1,\"x\n2,3\n", "nil", `csv.parse: <string>:3:5: extraneous or missing " in quoted-field (in the record starting on line 2)`},
		{"empty input", "", "nil", "csv.parse: <string>: no header line (the input is empty)"},
		{"only a BOM", "\ufeff", "nil", "csv.parse: <string>: no header line (the input is empty)"},
		{"long sep", "a", `{sep = ";;"}`, `csv.parse: option sep must be one character other than a quote, a newline or U+FFFD, got string ";;"`},
		{"quote sep", "a", `{sep = '"'}`, "csv.parse: option sep must be one character"},
		{"empty sep", "a", `{sep = ""}`, "csv.parse: option sep must be one character"},
		{"newline sep", "a", `{sep = "\n"}`, "csv.parse: option sep must be one character"},
		{"bad header option", "a", `{header = "yes"}`, `csv.parse: option header must be a boolean, got string "yes"`},
		{"unknown option", "a", `{headers = false}`, `csv.parse: unknown option "headers" (known: header, sep, trim)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			L.SetGlobal("text", lua.LString(tt.text))
			msg := runErr(t, L, "csv.parse(text, "+tt.opts+")")
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error:\n got %q\nwant %q", msg, tt.want)
			}
		})
	}
}

func TestCSVRead(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("members.csv", "\ufeffusername,first,last\nalice@x,Alice,A\nbob@x,Bob,B\n")
	write("bad.csv", "username,first,last\nalice@x,Alice,A\n\nbob@x,Bob\n")
	write("quote.csv", "username\n\"alice\n")
	L := newState(t)
	run(t, L, `
		local rows, columns = csv.read("members.csv")
		assert(#rows == 2 and rows[2].username == "bob@x" and rows[1].first == "Alice")
		assert(table.concat(columns, ",") == "username,first,last")
		local lists = csv.read("members.csv", {header = false})
		assert(#lists == 3 and lists[1][1] == "username" and lists[3][3] == "B")
	`)
	tests := []struct{ chunk, want string }{
		{`csv.read("bad.csv")`, "csv.read: bad.csv:4: expected 3 fields, got 2"},
		{`csv.read("quote.csv")`, `csv.read: quote.csv:2:8: extraneous or missing " in quoted-field`},
		{`csv.read("missing.csv")`, "csv.read: open missing.csv:"},
		{`csv.read()`, "bad argument #1 to read (string expected, got nil)"},
	}
	for _, tt := range tests {
		if msg := runErr(t, L, tt.chunk); !strings.Contains(msg, tt.want) {
			t.Errorf("%s: error %q, want it to contain %q", tt.chunk, msg, tt.want)
		}
	}
}

func TestCSVWrite(t *testing.T) {
	tests := []struct {
		name string
		rows string
		opts string
		want string
	}{
		{"columns given", `{{name = "Alice", age = 30, admin = true}, {name = "Bob", admin = false}}`, `{columns = {"name", "age", "admin"}}`,
			"name,age,admin\nAlice,30,true\nBob,,false\n"},
		{"sorted union of keys", `{{b = 1}, {a = 2}, {c = 3, a = 4}}`, "nil", "a,b,c\n,1,\n2,,\n4,,3\n"},
		{"extra keys left out with columns", `{{id = 1, name = "x", secret = "s"}}`, `{columns = {"id", "name"}}`, "id,name\n1,x\n"},
		{"numbers as in json", `{{a = 1.5, b = 2^53, c = 1e21, d = -0.0, e = 0.1}}`, "nil", "a,b,c,d,e\n1.5,9007199254740992,1e+21,0,0.1\n"},
		{"null is empty", `{{a = json.null, b = "x"}}`, "nil", "a,b\n,x\n"},
		{"quoting", `{{a = 'say "hi"', b = "x,y", c = "two\nlines", d = " pad "}}`, "nil", "a,b,c,d\n\"say \"\"hi\"\"\",\"x,y\",\"two\nlines\",\" pad \"\n"},
		{"semicolon", `{{a = "1,5", b = "x;y"}}`, `{sep = ";"}`, "a;b\n1,5;\"x;y\"\n"},
		{"no rows with columns", `{}`, `{columns = {"a", "b"}}`, "a,b\n"},
		{"unicode", `{{["é"] = "ü"}}`, "nil", "é\nü\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			L := newState(t)
			path := filepath.Join(t.TempDir(), "out.csv")
			L.SetGlobal("path", lua.LString(path))
			n := eval(t, L, "csv.write(path, "+tt.rows+", "+tt.opts+")")
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("file:\n%q\nwant\n%q", got, tt.want)
			}
			if want := eval(t, L, "#"+tt.rows); n != want {
				t.Errorf("csv.write returned %v, want %v", n, want)
			}
			// What csv.write writes, csv.read reads back (for string data).
			run(t, L, `
				local rows, columns = csv.read(path, {trim = false, sep = `+sepOf(tt.opts)+`})
				assert(#rows == `+eval(t, L, "#"+tt.rows).String()+`)
			`)
			assertOnlyFile(t, filepath.Dir(path), "out.csv")
		})
	}
}

func sepOf(opts string) string {
	if strings.Contains(opts, `sep = ";"`) {
		return `";"`
	}
	return `","`
}

// assertOnlyFile checks that dir holds exactly the named files: no
// temporary file was left behind.
func assertOnlyFile(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("%s holds %q, want %q", dir, got, names)
	}
}

func TestCSVWriteErrors(t *testing.T) {
	tests := []struct {
		name  string
		chunk string
		want  string
	}{
		{"row not a table", `csv.write(path, {{a = 1}, "x"})`, `csv.write: PATH: row 2 is string "x", want a table`},
		{"rows not a list", `csv.write(path, {a = {}})`, "csv.write: PATH: rows must be a list of tables (keys 1..n)"},
		{"sparse rows", `csv.write(path, {{a = 1}, nil, {a = 2}})`, "csv.write: PATH: rows must be a list of tables (keys 1..n)"},
		{"table value", `csv.write(path, {{a = 1}, {a = {}}})`, `csv.write: PATH: row 2, column "a": cannot write a table`},
		{"function value", `csv.write(path, {{a = print}})`, `csv.write: PATH: row 1, column "a": cannot write a function`},
		{"NaN", `csv.write(path, {{a = 0/0}})`, `csv.write: PATH: row 1, column "a": cannot write NaN`},
		{"inf", `csv.write(path, {{a = 1/0}})`, `csv.write: PATH: row 1, column "a": cannot write +Inf`},
		{"non-string key", `csv.write(path, {{1, 2}})`, "csv.write: PATH: row 1 has the number key 1; without the columns option every key must be a string"},
		{"no columns", `csv.write(path, {})`, "csv.write: PATH: no columns: pass the columns option, or rows with keys"},
		{"empty columns", `csv.write(path, {}, {columns = {}})`, "csv.write: PATH: option columns is empty"},
		{"columns not a list", `csv.write(path, {}, {columns = "a"})`, `csv.write: PATH: option columns must be a list of strings, got string "a"`},
		{"column not a string", `csv.write(path, {}, {columns = {"a", 2}})`, "csv.write: PATH: option columns: item 2 is number 2, want a string"},
		{"empty column", `csv.write(path, {}, {columns = {""}})`, "csv.write: PATH: option columns: item 1 is empty"},
		{"duplicate column", `csv.write(path, {}, {columns = {"a", "a"}})`, `csv.write: PATH: option columns: "a" appears twice`},
		{"unknown option", `csv.write(path, {}, {column = {"a"}})`, `csv.write: unknown option "column" (known: columns, sep)`},
		{"bad sep", `csv.write(path, {{a = 1}}, {sep = "ab"})`, "csv.write: option sep must be one character"},
		{"rows missing", `csv.write(path)`, "bad argument #2 to write (table expected, got nil)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			L := newState(t)
			dir := t.TempDir()
			path := filepath.Join(dir, "out.csv")
			if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			L.SetGlobal("path", lua.LString(path))
			msg := runErr(t, L, tt.chunk)
			if want := strings.ReplaceAll(tt.want, "PATH", path); !strings.Contains(msg, want) {
				t.Errorf("error:\n got %q\nwant %q", msg, want)
			}
			if got, _ := os.ReadFile(path); string(got) != "old\n" {
				t.Errorf("a failed write changed the file to %q", got)
			}
			assertOnlyFile(t, dir, "out.csv")
		})
	}
}

func TestCSVWriteIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	if err := os.WriteFile(path, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	L := newState(t)
	L.SetGlobal("path", lua.LString(path))
	run(t, L, `assert(csv.write(path, {{a = "new"}}) == 1)`)
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "a\nnew\n" {
		t.Fatalf("after csv.write the file holds %q (%v)", got, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("the replaced file has mode %v, want the old 0600", fi.Mode().Perm())
	}
	assertOnlyFile(t, dir, "out.csv")

	newPath := filepath.Join(dir, "new.csv")
	L.SetGlobal("path", lua.LString(newPath))
	run(t, L, `csv.write(path, {{a = 1}})`)
	if fi, err := os.Stat(newPath); err != nil {
		t.Fatal(err)
	} else if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o644 {
		t.Errorf("a new file has mode %v, want 0644", fi.Mode().Perm())
	}

	// A write that fails half-way leaves the old content and no temporary file.
	errDisk := errors.New("disk full")
	err = writeFileAtomic(path, func(w io.Writer) error {
		if _, err := io.WriteString(w, "half"); err != nil {
			return err
		}
		return errDisk
	})
	if !errors.Is(err, errDisk) {
		t.Fatalf("writeFileAtomic error = %v, want it to wrap %v", err, errDisk)
	}
	if got, _ := os.ReadFile(path); string(got) != "a\nnew\n" {
		t.Errorf("a failed write changed the file to %q", got)
	}
	assertOnlyFile(t, dir, "new.csv", "out.csv")

	// A directory in the way, or a missing directory, is an error up front.
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	L.SetGlobal("path", lua.LString(sub))
	if msg := runErr(t, L, `csv.write(path, {{a = 1}})`); !strings.Contains(msg, "not a regular file") {
		t.Errorf("writing over a directory: %q", msg)
	}
	L.SetGlobal("path", lua.LString(filepath.Join(dir, "nope", "x.csv")))
	if msg := runErr(t, L, `csv.write(path, {{a = 1}})`); !strings.Contains(msg, "csv.write: write "+filepath.Join(dir, "nope", "x.csv")) {
		t.Errorf("writing into a missing directory: %q", msg)
	}
	assertOnlyFile(t, dir, "new.csv", "out.csv", "sub")
}

func TestCSVWriteRelativePath(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	L := newState(t)
	run(t, L, `csv.write("rel.csv", {{a = 1}})`)
	if got, err := os.ReadFile(filepath.Join(dir, "rel.csv")); err != nil || string(got) != "a\n1\n" {
		t.Fatalf("rel.csv holds %q (%v)", got, err)
	}
	assertOnlyFile(t, dir, "rel.csv")
}

func FuzzCSVParse(f *testing.F) {
	for _, seed := range []struct {
		text   string
		sep    rune
		header bool
		trim   bool
	}{
		{"name,email\nAlice,a@x\n", ',', true, true},
		{"\ufeffa;b\n\"x;y\";\"z\"\"\"\n", ';', true, false},
		{"a,b\n1,\"x\n", ',', true, true},
		{"a,a\n", ',', true, true},
		{"1\t2\n3\n", '\t', false, true},
		{"", ',', true, true},
	} {
		f.Add(seed.text, seed.sep, seed.header, seed.trim)
	}
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	f.Fuzz(func(t *testing.T, text string, sep rune, header, trim bool) {
		if !validSep(sep) {
			return
		}
		rows, columns, err := parseCSV(L, "<fuzz>", text, csvReadOptions{sep: sep, header: header, trim: trim})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "<fuzz>") {
				t.Fatalf("error %q does not name the input", err)
			}
			return
		}
		width := -1
		for i := 1; i <= rows.Len(); i++ {
			row := rows.RawGetInt(i).(*lua.LTable)
			n := 0
			row.ForEach(func(_, _ lua.LValue) { n++ })
			if width >= 0 && n != width {
				t.Fatalf("row %d has %d fields, row 1 has %d", i, n, width)
			}
			width = n
		}
		if header && width >= 0 && width != columns.Len() {
			t.Fatalf("rows have %d fields, the header %d", width, columns.Len())
		}
	})
}
