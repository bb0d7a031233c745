package stdlib

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// newState returns a state with the standard libraries and this package's
// modules open, closed when the test ends.
func newState(t testing.TB) *lua.LState {
	t.Helper()
	return newStateWithLogger(t, slog.New(slog.DiscardHandler))
}

func newStateWithLogger(t testing.TB, logger *slog.Logger) *lua.LState {
	t.Helper()
	L := lua.NewState()
	t.Cleanup(L.Close)
	Open(L, Options{Logger: logger})
	return L
}

// eval returns the value of the Lua expression expr (or, when expr starts
// with "local" or "return", of the chunk).
func eval(t testing.TB, L *lua.LState, expr string) lua.LValue {
	t.Helper()
	chunk := expr
	if !strings.HasPrefix(expr, "local") && !strings.HasPrefix(expr, "return") {
		chunk = "return " + expr
	}
	top := L.GetTop()
	if err := L.DoString(chunk); err != nil {
		t.Fatalf("eval %q: %v", expr, err)
	}
	v := L.Get(-1)
	L.SetTop(top)
	return v
}

// run runs a Lua chunk and fails the test on any error.
func run(t testing.TB, L *lua.LState, chunk string) {
	t.Helper()
	if err := L.DoString(chunk); err != nil {
		t.Fatalf("run:\n%s\nerror: %v", chunk, err)
	}
}

// runErr runs a Lua chunk that must fail, and returns the error message.
func runErr(t testing.TB, L *lua.LState, chunk string) string {
	t.Helper()
	err := L.DoString(chunk)
	if err == nil {
		t.Fatalf("run %q: no error, want one", chunk)
	}
	return err.Error()
}

// logBuffer returns a logger that writes text records without timestamps
// into the returned buffer.
func logBuffer(level slog.Level) (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	h := slog.NewTextHandler(&buf, &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		},
	})
	return slog.New(h), &buf
}
