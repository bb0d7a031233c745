package engine

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// ScriptError is a script that failed: a syntax error or an error raised
// while it ran (by the script, a binding or the API).
type ScriptError struct {
	Script    string // the script's name, as in messages: "scripts/report.lua"
	Where     string // "scripts/report.lua:12", or "" when unknown
	Message   string // the message without the location
	Syntax    bool   // the script did not compile
	Traceback string // a short Lua stack traceback, "" for syntax errors
	Value     lua.LValue
}

// Error reads like "report.lua:12: usergroup.insert: 499 DUPLICATE: ...",
// without the traceback (see Traceback).
func (e *ScriptError) Error() string {
	if e.Where == "" {
		return e.Message
	}
	return e.Where + ": " + e.Message
}

// maxTraceLines caps the traceback a failure shows.
const maxTraceLines = 8

// The patterns are compiled when an error first needs them, not when the
// program starts (a script that does not fail never pays for them).

// syntaxPattern matches gopher-lua's syntax error text:
// "name line:3(column:5) near 'x':   syntax error".
var syntaxPattern = lazyRegexp(`^(.*) line:(\d+)\(column:(\d+)\) near '(.*)':\s+(.*?)\s*$`)

// eofPattern matches "name at EOF:   unexpected EOF".
var eofPattern = lazyRegexp(`^(.*) at EOF:\s+(.*?)\s*$`)

// locPattern matches a "name:line:" prefix of a runtime error message.
var locPattern = lazyRegexp(`^(.+?:\d+): `)

func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// CompileError builds the ScriptError of a chunk named name that did not
// compile (err from L.Load), with the line, column and token of the fault.
func CompileError(name string, err error) *ScriptError {
	msg := err.Error()
	var ae *lua.ApiError
	if errors.As(err, &ae) {
		msg = ae.Object.String()
	}
	msg = strings.TrimSpace(msg)
	if m := syntaxPattern().FindStringSubmatch(msg); m != nil {
		near := ""
		if m[4] != "" {
			near = fmt.Sprintf(" near '%s'", m[4])
		}
		return &ScriptError{Script: name, Where: m[1] + ":" + m[2], Message: fmt.Sprintf("%s%s (column %s)", m[5], near, m[3]), Syntax: true}
	}
	if m := eofPattern().FindStringSubmatch(msg); m != nil {
		return &ScriptError{Script: name, Where: m[1], Message: m[2] + " at end of file (an unclosed block, function or string?)", Syntax: true}
	}
	return &ScriptError{Script: name, Message: msg, Syntax: true}
}

// CallError builds the ScriptError of a failed protected call of L in
// the chunk named name. A string error keeps its "script:line:" prefix; a
// table error (an API error) is shown through its __tostring at the
// innermost script line of the traceback.
func CallError(L *lua.LState, name string, err error) *ScriptError {
	var ae *lua.ApiError
	if !errors.As(err, &ae) {
		return &ScriptError{Script: name, Message: err.Error()}
	}
	trace := shortTrace(ae.StackTrace)
	e := &ScriptError{Script: name, Traceback: trace, Value: ae.Object}
	switch v := ae.Object.(type) {
	case lua.LString:
		s := string(v)
		if m := locPattern().FindStringSubmatch(s); m != nil {
			e.Where, e.Message = m[1], s[len(m[0]):]
		} else {
			e.Where, e.Message = firstScriptFrame(trace), s
		}
	case *lua.LTable:
		e.Where = firstScriptFrame(trace)
		if L.GetMetaField(v, "__tostring") != lua.LNil {
			e.Message = L.ToStringMeta(v).String()
		} else {
			e.Message = "error object is a table: " + describeTable(v)
		}
	case *lua.LNilType:
		e.Where, e.Message = firstScriptFrame(trace), "error called with nil"
	default:
		e.Where, e.Message = firstScriptFrame(trace), fmt.Sprintf("error object is a %s: %s", v.Type(), v.String())
	}
	return e
}

// describeTable shows a few string fields of an error table, so that
// error({code=1}) still says something useful.
func describeTable(t *lua.LTable) string {
	var parts []string
	t.ForEach(func(k, v lua.LValue) {
		if len(parts) < 6 {
			switch v.(type) {
			case lua.LString, lua.LNumber, lua.LBool:
				parts = append(parts, fmt.Sprintf("%s=%s", k.String(), v.String()))
			}
		}
	})
	slices.Sort(parts)
	return "{" + strings.Join(parts, ", ") + "}"
}

// shortTrace drops Go frames and caps the number of lines.
func shortTrace(trace string) string {
	var lines []string
	for _, l := range strings.Split(trace, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || t == "stack traceback:" || t == "..." || strings.HasPrefix(t, "[G]:") {
			continue
		}
		lines = append(lines, "\t"+t)
	}
	if len(lines) == 0 {
		return ""
	}
	if len(lines) > maxTraceLines {
		n := len(lines) - (maxTraceLines - 1)
		lines = append(lines[:maxTraceLines-2], fmt.Sprintf("\t... (%d more)", n), lines[len(lines)-1])
	}
	return "stack traceback:\n" + strings.Join(lines, "\n")
}

// firstScriptFrame returns "name:line" of the innermost Lua frame.
func firstScriptFrame(trace string) string {
	for _, l := range strings.Split(trace, "\n") {
		t := strings.TrimSpace(l)
		if m := locPattern().FindStringSubmatch(t + " "); m != nil && !strings.HasPrefix(t, "[G]") && !strings.HasPrefix(t, "...") {
			return m[1]
		}
	}
	return ""
}
