package engine

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStandardStreamsGoToTheWriters checks that io.stdout, io.stderr and
// io.output() write to Options.Stdout and Options.Stderr (where a caller
// redacts secrets), never past them to the process's own files; that
// they behave as standard files; and that io.output(file) still
// redirects.
func TestStandardStreamsGoToTheWriters(t *testing.T) {
	for _, sandbox := range []bool{false, true} {
		var out, errw bytes.Buffer
		e := New(Options{Stdout: &out, Stderr: &errw, Sandbox: sandbox})
		src := `
assert(io.stdout:write("a", 1, "\n") == io.stdout)
io.stderr:write("e\n")
io.stdout:setvbuf("no") io.stdout:flush()
print(io.type(io.stdout), io.type(io.stderr), tostring(io.stderr))
local ok, msg = io.stdout:close()
print(ok, msg)
print(pcall(io.stdout.read, io.stdout))
if not arg[1] then
  io.output():write("via output\n")
  print(io.output() == io.stdout)
  io.output(arg[2]) io.output():write("to file\n") io.output():close()
end`
		path := filepath.Join(t.TempDir(), "o.txt")
		args := []string{"sandboxed", path}
		if !sandbox {
			args = []string{"", path}
			src = strings.Replace(src, "if not arg[1] then", "if arg[1] == '' then", 1)
		}
		if err := e.Run(context.Background(), Script{Name: "s.lua", Source: src}, args); err != nil {
			t.Fatalf("sandbox %v: %v", sandbox, err)
		}
		want := "a1\nfile\tfile\tfile (stderr)\nnil\tcannot close standard file\nfalse\ts.lua:8: io.stdout is not readable\n"
		if !sandbox {
			want += "via output\ntrue\n"
		}
		if out.String() != want || errw.String() != "e\n" {
			t.Errorf("sandbox %v: stdout %q, stderr %q; want %q and \"e\\n\"", sandbox, out.String(), errw.String(), want)
		}
		if data, _ := os.ReadFile(path); !sandbox && string(data) != "to file\n" {
			t.Errorf("io.output(file) wrote %q, want \"to file\\n\"", data)
		}
	}
}
