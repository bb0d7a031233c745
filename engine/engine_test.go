package engine

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clickscript/clickscript/bindings"
	"github.com/clickscript/clickscript/internal/testagent"
)

// newEngine returns an engine talking to a fresh demo emulator, and its stdout.
func newEngine(t testing.TB) (*Engine, *bytes.Buffer) {
	t.Helper()
	var out bytes.Buffer
	client := testagent.Client(t, "tok-engine-test")
	return New(Options{Options: bindings.Options{Client: client}, Stdout: &out}), &out
}

func TestArgsAndOutput(t *testing.T) {
	e, out := newEngine(t)
	src := `print(arg[0], arg[1], arg[2], #arg, arg[-1]) print(...) io.write("a", 1, "\n")`
	if err := e.Run(context.Background(), Script{Name: "args.lua", Source: src}, []string{"x", "y z"}); err != nil {
		t.Fatal(err)
	}
	want := "args.lua\tx\ty z\t2\tclickscript\nx\ty z\na1\n"
	if out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
}

func TestModulesAreGlobalsAndRequirable(t *testing.T) {
	e, out := newEngine(t)
	src := `print(require("usergroup") == usergroup, require("json") == json, type(user.list), type(csv.read), type(log.info))`
	if err := e.Run(context.Background(), Script{Name: "m.lua", Source: src}, nil); err != nil {
		t.Fatal(err)
	}
	if out.String() != "true\ttrue\tfunction\tfunction\tfunction\n" {
		t.Errorf("output %q", out.String())
	}
}

func TestShebang(t *testing.T) {
	e, out := newEngine(t)
	src := "#!/usr/bin/env clickscript run\nprint('ok')\nerror('line three')"
	err := e.Run(context.Background(), Script{Name: "s.lua", Source: src}, nil)
	if out.String() != "ok\n" {
		t.Errorf("output %q", out.String())
	}
	var se *ScriptError
	if !errors.As(err, &se) || se.Where != "s.lua:3" {
		t.Errorf("err = %v, want it at s.lua:3", err)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, src string
		where     string
		msg       string
		syntax    bool
		trace     string
	}{
		{"syntax", "local x = 1\nx = = 2", "e.lua:2", "syntax error near '=' (column 5)", true, ""},
		{"unclosed", "for i = 1, 2 do\n  print(i)\n", "e.lua", "syntax error at end of file (an unclosed block, function or string?)", true, ""},
		{"runtime", "local t\n\nlocal y = t.x", "e.lua:3", "attempt to index a non-table object(nil) with key 'x'", false, "e.lua:3: in main chunk"},
		{"error string", "local function f()\n  error('boom')\nend\nf()", "e.lua:2", "boom", false, "e.lua:2: in function 'f'"},
		{"error level 0", "error('plain message', 0)", "e.lua:1", "plain message", false, ""},
		{"error table", "error({code = 7, reason = 'x'})", "e.lua:1", "error object is a table: {code=7, reason=x}", false, ""},
		{"error nil", "error(nil)", "e.lua:1", "error called with nil", false, ""},
		{"error number", "error(42)", "e.lua:1", "42", false, ""},
		{"api error", "usergroup.insert{name = 'Design Team'}", "e.lua:1",
			"usergroup.insert: 499 DUPLICATE: A resource with the same name already exists.", false, ""},
		{"binding argument", "usergroup.insert('Design Team')", "e.lua:1",
			"usergroup.insert: bad argument #1 (table expected, got string)", false, ""},
		{"deep recursion", "local function f(n) return 1 + f(n + 1) end\nf(1)", "e.lua:1", "stack overflow", false, "... ("},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := newEngine(t)
			err := e.Run(context.Background(), Script{Name: "e.lua", Source: tt.src}, nil)
			var se *ScriptError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v (%T), want *ScriptError", err, err)
			}
			if se.Where != tt.where || !strings.Contains(se.Message, tt.msg) || se.Syntax != tt.syntax {
				t.Errorf("got where=%q msg=%q syntax=%v; want where=%q msg~%q syntax=%v", se.Where, se.Message, se.Syntax, tt.where, tt.msg, tt.syntax)
			}
			if !strings.Contains(se.Traceback, tt.trace) {
				t.Errorf("traceback %q does not contain %q", se.Traceback, tt.trace)
			}
			if n := strings.Count(se.Traceback, "\n"); n > maxTraceLines {
				t.Errorf("traceback has %d lines, want at most %d", n+1, maxTraceLines+1)
			}
		})
	}
}

func TestAPIErrorTableInScript(t *testing.T) {
	e, out := newEngine(t)
	src := `
local ok, err = pcall(usergroup.insert, {name = "Design Team"})
print(ok, err.status, err.type, err.op, err.messages[1])
print(tostring(err))
local ok2, err2 = pcall(usergroup.delete, "11111111-1111-4111-8111-111111111111")
print(err2.type)`
	if err := e.Run(context.Background(), Script{Name: "p.lua", Source: src}, nil); err != nil {
		t.Fatal(err)
	}
	want := "false\t499\tDUPLICATE\tusergroup.insert\tA resource with the same name already exists.\n" +
		"usergroup.insert: 499 DUPLICATE: A resource with the same name already exists.\n" +
		"NOT_FOUND\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestTimeoutStopsBusyLoop(t *testing.T) {
	e, _ := newEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := e.Run(ctx, Script{Name: "loop.lua", Source: "while true do end"}, nil)
	if !errors.Is(err, ErrInterrupted) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want ErrInterrupted wrapping DeadlineExceeded", err)
	}
}

// signalWriter closes started at the first write.
type signalWriter struct {
	once    sync.Once
	started chan struct{}
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.once.Do(func() { close(w.started) })
	return len(p), nil
}

func TestCancelStopsListing(t *testing.T) {
	e, _ := newEngine(t)
	w := &signalWriter{started: make(chan struct{})}
	e.opts.Stdout = w
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-w.started
		cancel()
	}()
	// An endless walk: each pass lists every group again.
	src := `local n = 0
while true do
  for g in usergroup.list{pagesize = 1} do
    n = n + 1
    if n == 1 then print("first") end
  end
end`
	err := e.Run(ctx, Script{Name: "walk.lua", Source: src}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
