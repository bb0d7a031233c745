package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clickscript/clickscript/emulator"
)

// badCase is one bad input: a script (and files) run against a counting
// emulator, or a bare command line. Every case must exit non-zero with a
// clear message, never a panic or a Go stack trace, and send no write.
type badCase struct {
	name   string
	args   []string          // after "run"; "$S" is the script, "$D" the scratch directory
	script string            // the script's source
	files  map[string]string // extra files in the scratch directory
	noURL  bool              // do not add --url/--token (the case brings its own)
	code   int               // the exit code; 0 means 1
	want   string            // a substring of stderr
}

func badCases(proxyURL, deadURL string) []badCase {
	long := strings.Repeat("n", 101)
	long51 := strings.Repeat("a", 51-len("@example.com")) + "@example.com" // one over the vendor's 50
	return []badCase{
		{name: "csv bad quoting", script: `usergroup.import_csv(arg[1])`, args: []string{"$S", "--", "$D/m.csv"},
			files: map[string]string{"m.csv": "username,firstName,lastName,group\n\"ada@x,Ada,L,Design Team\n"}, want: `m.csv:2`},
		{name: "csv wrong column count", script: `usergroup.import_csv(arg[1])`, args: []string{"$S", "--", "$D/m.csv"},
			files: map[string]string{"m.csv": "username,firstName,lastName,group\nada@x,Ada\n"}, want: "m.csv:2: expected 4 fields, got 2"},
		{name: "csv missing column", script: `usergroup.import_csv(arg[1])`, args: []string{"$S", "--", "$D/m.csv"},
			files: map[string]string{"m.csv": "user,group\nada@x,Design Team\n"}, want: `m.csv:1: no "username" column`},
		{name: "csv empty file", script: `usergroup.import_csv(arg[1])`, args: []string{"$S", "--", "$D/m.csv"},
			files: map[string]string{"m.csv": ""}, want: "m.csv: empty file"},
		{name: "csv username comma", script: `usergroup.import_csv(arg[1])`, args: []string{"$S", "--", "$D/m.csv"},
			files: map[string]string{"m.csv": "username,firstName,lastName,group\n\"ada,x@example.com\",Ada,L,Design Team\n"}, want: "m.csv:2: username: contains a comma"},
		{name: "csv username newline", script: `usergroup.import_csv(arg[1])`, args: []string{"$S", "--", "$D/m.csv"},
			files: map[string]string{"m.csv": "username,firstName,lastName,group\n\"ada\nx@example.com\",Ada,L,Design Team\n"}, want: "m.csv:2: username: contains a line break"},
		{name: "csv username NUL", script: `usergroup.import_csv(arg[1])`, args: []string{"$S", "--", "$D/m.csv"},
			files: map[string]string{"m.csv": "username,firstName,lastName,group\nada\x00x@example.com,Ada,L,Design Team\n"}, want: "m.csv:2: username: contains a NUL byte"},
		{name: "csv username quote", script: `usergroup.import_csv(arg[1])`, args: []string{"$S", "--", "$D/m.csv"},
			files: map[string]string{"m.csv": "username,firstName,lastName,group\n\"\"\"ada\"\"@example.com\",Ada,L,Design Team\n"}, want: "m.csv:2: username: contains a quote"},
		{name: "csv username not email", script: `usergroup.import_csv(arg[1])`, args: []string{"$S", "--", "$D/m.csv"},
			files: map[string]string{"m.csv": "username,firstName,lastName,group\nada.example.com,Ada,L,Design Team\n"}, want: "m.csv:2: username: \"ada.example.com\" is not an email address"},
		{name: "csv latin-1", script: `usergroup.import_csv(arg[1])`, args: []string{"$S", "--", "$D/m.csv"},
			files: map[string]string{"m.csv": "username,firstName,lastName,group\njos\xe9@example.com,Jos,L,Design Team\n"}, want: "m.csv:2: field 1 is not UTF-8"},
		{name: "csv utf-16", script: `usergroup.import_csv(arg[1])`, args: []string{"$S", "--", "$D/m.csv"},
			files: map[string]string{"m.csv": "\xff\xfeu\x00s\x00"}, want: "is UTF-16 (a byte-order mark or NUL bytes): save it as UTF-8"},
		{name: "csv repeated header", script: `usergroup.import_csv(arg[1])`, args: []string{"$S", "--", "$D/m.csv"},
			files: map[string]string{"m.csv": "username,group,username\nada@example.com,Design Team,b@example.com\n"}, want: "m.csv:1: column 3 (\"username\") repeats column 1"},
		{name: "csv long field", script: `usergroup.import_csv(arg[1])`, args: []string{"$S", "--", "$D/m.csv"},
			files: map[string]string{"m.csv": "username,firstName,lastName,group\nada@example.com,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA,L,Design Team\n"}, want: "m.csv:2: firstName: 61 characters, over the limit of 50"},
		{name: "csv username over 50", script: `usergroup.import_csv(arg[1])`, args: []string{"$S", "--", "$D/m.csv"},
			files: map[string]string{"m.csv": "username,firstName,lastName,group\nada@example.com,Ada,L,Design Team\n" + long51 + ",Ada,L,Design Team\n"},
			want:  "m.csv:3: username: 51 characters, over the limit of 50"},
		{name: "import username comma", script: `usergroup.import{{user = {username = "ok@example.com"}, userGroups = {{name = "Design Team"}}}, {user = {username = "ada,x@example.com"}, userGroups = {{name = "Design Team"}}}}`,
			want: "item 2: user.username: contains a comma (one email address per row)"},
		{name: "import username over 50", script: `usergroup.import{{user = {username = "` + long51 + `"}, userGroups = {{name = "Design Team"}}}}`,
			want: "item 1: user.username: 51 characters, over the limit of 50"},
		{name: "import username not email", script: `usergroup.import{{user = {username = "Ada <ada@example.com>"}, userGroups = {{name = "Design Team"}}}}`,
			want: "item 1: user.username: contains a space"},
		{name: "import lastName over 50", script: `usergroup.import{{user = {username = "ada@example.com", lastName = string.rep("L", 51)}, userGroups = {{name = "Design Team"}}}}`,
			want: "item 1: user.lastName: 51 characters, over the limit of 50"},
		{name: "sync username newline", script: `usergroup.sync("Design Team", {"ok@example.com", "ada\nx@example.com"})`,
			want: "desired[2].username: contains a line break"},
		{name: "sync username over 50", script: `usergroup.sync("Design Team", {"ok@example.com", {username = "` + long51 + `"}})`,
			want: "desired[2].username: 51 characters, over the limit of 50"},
		{name: "sync firstName over 50", script: `usergroup.sync("Design Team", {{username = "ok@example.com", firstName = string.rep("F", 51)}})`,
			want: "desired[1].firstName: 51 characters, over the limit of 50"},
		{name: "user.insert username over 50", script: `user.insert{username = "` + long51 + `"}`,
			want: `user.insert: bad argument #1 (field "username": 51 characters, over the limit of 50)`},
		{name: "user.insert username NUL", script: `user.insert{username = "ada\0@example.com"}`,
			want: `user.insert: bad argument #1 (field "username": contains a NUL byte)`},
		{name: "csv upper-case uuid", script: `usergroup.import_csv(arg[1])`, args: []string{"$S", "--", "$D/m.csv"},
			files: map[string]string{"m.csv": "username,firstName,lastName,group\nada@example.com,Ada,L,ABCDEF01-2345-4678-9ABC-DEF012345678\n"}, want: "use lower-case 8-4-4-4-12 hex without braces"},
		{name: "csv braced uuid", script: `usergroup.import_csv(arg[1])`, args: []string{"$S", "--", "$D/m.csv"},
			files: map[string]string{"m.csv": "username,firstName,lastName,group\nada@example.com,Ada,L,{abcdef01-2345-4678-9abc-def012345678}\n"}, want: "use lower-case 8-4-4-4-12 hex without braces"},
		{name: "csv missing file", script: `usergroup.import_csv(arg[1])`, args: []string{"$S", "--", "$D/nope.csv"}, want: "nope.csv: no such file"},
		{name: "csv.read duplicate header", script: `csv.read(arg[1])`, args: []string{"$S", "--", "$D/d.csv"},
			files: map[string]string{"d.csv": "a,a\n1,2\n"}, want: "d.csv:1"},
		{name: "csv bad uuid", script: `usergroup.import_csv(arg[1])`, args: []string{"$S", "--", "$D/m.csv"},
			files: map[string]string{"m.csv": "username,firstName,lastName,group\nada@x,Ada,L,zzzzzzzz-1111-1111-1111-111111111111\n"}, want: "is not a uuid"},
		{name: "csv unknown group", script: `usergroup.import_csv(arg[1])`, args: []string{"$S", "--", "$D/m.csv"},
			files: map[string]string{"m.csv": "username,firstName,lastName,group\nada@x,Ada,L,Nowhere\n"}, want: `m.csv:2: group: no group named "Nowhere"`},
		{name: "json malformed", script: `json.decode('{"a": [1, 2,, 3]}')`, want: "json.decode"},
		{name: "json truncated", script: `json.decode('{"a": ')`, want: "json.decode"},
		{name: "json cycle", script: `local t = {} t.self = t print(json.encode(t))`, want: "json.encode"},
		{name: "json function", script: `json.encode({f = print})`, want: "json.encode: $.f"},
		{name: "assign bad uuid", script: `usergroup.assign{{userId = "nope", userGroupId = "also-nope"}}`, want: `item 1: userId: "nope" is not a uuid`},
		{name: "delete bad uuid", script: `usergroup.delete("12345")`, want: `usergroup.delete: bad argument #1 (group id "12345" is not a uuid)`},
		{name: "unassign unknown id", script: `usergroup.unassign("11111111-1111-4111-8111-111111111111")`, want: "499 NOT_FOUND"},
		{name: "name over 100 characters", script: `usergroup.insert{name = "` + long + `"}`, want: "499 DEFAULT: name: at most 100 characters"},
		{name: "empty name", script: `usergroup.insert{name = "  "}`, want: "499 DEFAULT"},
		{name: "missing name", script: `usergroup.insert{description = "x"}`, want: `usergroup.insert: field "name" is required`},
		{name: "huge name", script: `usergroup.insert{name = string.rep("x", 5000000)}`, want: "499 DEFAULT"},
		{name: "unknown sort field", script: `usergroup.list{sortfield = "Colour"}:all()`, want: "499 DEFAULT: sortfield"},
		{name: "unknown option", script: `usergroup.list{nmae = "x"}`, want: `unknown option "nmae"`},
		{name: "wrong argument type", script: `usergroup.members(42)`, want: "usergroup.members: bad argument #1"},
		{name: "import empty username", script: `usergroup.import{{user = {username = ""}, userGroups = {{name = "Design Team"}}}}`, want: "item 1: user.username: empty"},
		{name: "sync duplicate desired", script: `usergroup.sync("Design Team", {"a@x", "A@X"})`, want: "desired[2]: A@X repeats desired[1]"},
		{name: "sync over max_remove", script: `usergroup.sync("Design Team", {}, {max_remove = 1})`, want: "over max_remove (1); nothing was changed"},
		{name: "syntax error", script: "for i = 1, 3 do\n  print(i)\n", want: "at end of file"},
		{name: "syntax error mid-file", script: "local x = = 1", want: "s.lua:1: syntax error"},
		{name: "error with a table", script: `error({code = 7})`, want: "error object is a table: {code=7}"},
		{name: "error with nil", script: `error(nil)`, want: "error called with nil"},
		{name: "error with a number", script: `error(42)`, want: "s.lua:1: error object is a number: 42"},
		{name: "index nil", script: "local g = usergroup.find('nope')\nprint(g.name)", want: "s.lua:2: attempt to index a non-table object(nil)"},
		{name: "binary garbage script", script: "\x00\x01\x02\xff\xfe", want: "s.lua"},
		{name: "deep recursion", script: `local function f() return 1 + f() end f()`, want: "overflow"},
		{name: "script is a directory", args: []string{"$D"}, want: "read script"},
		{name: "missing script", args: []string{"$D/missing.lua"}, want: "read script: open"},
		{name: "html page from a proxy", noURL: true, script: `usergroup.list{}:count()`,
			args: []string{"--url", proxyURL, "--token", "t", "$S"}, want: `502 Bad Gateway: unexpected text/html body: "Bad Gateway The upstream`},
		{name: "wrong content type", noURL: true, script: `usergroup.list{}:count()`,
			args: []string{"--url", proxyURL + "/text", "--token", "t", "$S"}, want: "unexpected response body: decode (text/plain"},
		{name: "wrong token", noURL: true, script: `usergroup.list{}:count()`, args: []string{"--url", "$URL", "--token", "wrong", "$S"},
			want: "401 Unauthorized: token rejected or expired: log in again"},
		{name: "agent not running", noURL: true, script: `usergroup.list{}:count()`, args: []string{"--url", deadURL, "--token", "t", "$S"}, want: "connection refused"},
		{name: "url without scheme", noURL: true, script: `print(1)`, args: []string{"--url", "localhost:29123", "$S"}, want: "want http://host:port"},
		{name: "malformed cassette", noURL: true, script: `print(1)`, args: []string{"--replay", "$D/c.json", "$S"},
			files: map[string]string{"c.json": `{"version": 9}`}, want: "c.json"},
		{name: "negative timeout", args: []string{"--timeout", "-1s", "$S"}, script: "print(1)", code: exitUsage, want: "--timeout -1s: must not be negative"},
		{name: "bad concurrency", args: []string{"--concurrency", "0", "$S"}, script: "print(1)", code: exitUsage, want: "--concurrency 0: want 1 to 64"},
		{name: "bad max-memory", args: []string{"--max-memory", "lots", "$S"}, script: "print(1)", code: exitUsage, want: "--max-memory \"lots\""},
		{name: "bad log level", args: []string{"--log-level", "loud", "$S"}, script: "print(1)", code: exitUsage, want: "--log-level \"loud\""},
		{name: "csv.write to a missing directory", script: `csv.write(arg[1], {{a = 1}})`, args: []string{"$S", "--", "$D/no/such/dir/x.csv"}, want: "csv.write"},
	}
}

// proxy answers like a misbehaving proxy: an HTML error page, or a 200
// with a text body.
func proxy(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/text") {
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "hello from a captive portal")
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "<html><body><h1>Bad Gateway</h1><p>The upstream server is unreachable.</p></body></html>")
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func deadURL(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// TestBadInputCorpus: every bad input gives a clear message and a non-zero
// exit, never a panic or a Go stack trace, and writes nothing.
func TestBadInputCorpus(t *testing.T) {
	t.Setenv("CLICK_URL", "")
	t.Setenv("CLICK_TOKEN", "")
	a := startCountingAgent(t, emulator.Options{Seed: "demo"})
	before := a.memberships(t)
	cases := badCases(proxy(t), deadURL(t))
	if len(cases) < 30 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a.reset(nil)
			dir := t.TempDir()
			script := filepath.Join(dir, "s.lua")
			if err := os.WriteFile(script, []byte(c.script), 0o644); err != nil {
				t.Fatal(err)
			}
			for name, content := range c.files {
				os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644)
			}
			args := c.args
			if args == nil {
				args = []string{"$S"}
			}
			full := []string{"run"}
			if !c.noURL {
				full = append(full, "--url", a.url, "--token", bulkToken)
			}
			for _, arg := range args {
				arg = strings.ReplaceAll(arg, "$S", script)
				arg = strings.ReplaceAll(arg, "$D", dir)
				arg = strings.ReplaceAll(arg, "$URL", a.url)
				full = append(full, arg)
			}
			code, _, stderr := runCLI(context.Background(), t, "", full...)
			want := c.code
			if want == 0 {
				want = exitError
			}
			if code != want {
				t.Errorf("exit %d, want %d\n%s", code, want, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr lacks %q:\n%s", c.want, stderr)
			}
			for _, bad := range []string{"panic:", "goroutine ", ".go:", bulkToken} {
				if strings.Contains(stderr, bad) {
					t.Errorf("stderr shows %q:\n%s", bad, stderr)
				}
			}
			for endpoint, n := range a.counts {
				if !strings.HasPrefix(endpoint, "GET ") && n > 0 && !strings.Contains(c.want, "499") {
					t.Errorf("%d writes to %s", n, endpoint)
				}
			}
		})
	}
	if !mapsEqual(a.memberships(t), before) {
		t.Error("the bad inputs changed the memberships")
	}
}
