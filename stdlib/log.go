package stdlib

import (
	"context"
	"log/slog"
	"slices"

	lua "github.com/yuin/gopher-lua"
)

// logModule is the state of one state's log module: the host's logger.
type logModule struct {
	logger *slog.Logger
}

const logArgs = "(msg: string, ...: any)"

func logSpecs() []funcSpec[*logModule] {
	const fields = " Fields are key, value pairs (keys are strings) or one table of fields, logged in key order; " +
		"tables are logged as JSON, values with a __tostring metamethod as that string."
	return []funcSpec[*logModule]{
		{name: "debug", fn: (*logModule).debug, sig: "log.debug" + logArgs, summary: "Logs msg at debug level." + fields},
		{name: "info", fn: (*logModule).info, sig: "log.info" + logArgs, summary: "Logs msg at info level." + fields},
		{name: "warn", fn: (*logModule).warn, sig: "log.warn" + logArgs, summary: "Logs msg at warn level." + fields},
		{name: "error", fn: (*logModule).error, sig: "log.error" + logArgs, summary: "Logs msg at error level; it does not raise an error." + fields},
	}
}

func (m *logModule) loader(L *lua.LState) int {
	t := L.CreateTable(0, 4)
	L.SetFuncs(t, funcs(m, logSpecs()))
	L.Push(t)
	return 1
}

func (m *logModule) debug(L *lua.LState) int { return m.log(L, slog.LevelDebug, "log.debug") }
func (m *logModule) info(L *lua.LState) int  { return m.log(L, slog.LevelInfo, "log.info") }
func (m *logModule) warn(L *lua.LState) int  { return m.log(L, slog.LevelWarn, "log.warn") }
func (m *logModule) error(L *lua.LState) int { return m.log(L, slog.LevelError, "log.error") }

// log checks the arguments whatever the level, so that a mistake shows up
// without debug logging on, then logs if the level is enabled.
func (m *logModule) log(L *lua.LState, level slog.Level, fname string) int {
	msg := L.CheckString(1)
	top := L.GetTop()
	ctx := L.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	if t, ok := L.Get(2).(*lua.LTable); ok && top == 2 {
		var pairs []pair
		var bad lua.LValue
		t.ForEach(func(k, v lua.LValue) {
			if s, ok := k.(lua.LString); ok {
				pairs = append(pairs, pair{string(s), v})
			} else if bad == nil {
				bad = k
			}
		})
		if bad != nil {
			L.RaiseError("%s: field names must be strings, got the %s key %s", fname, bad.Type(), keyString(bad))
		}
		if !m.logger.Enabled(ctx, level) {
			return 0
		}
		slices.SortFunc(pairs, comparePairs)
		attrs := make([]slog.Attr, len(pairs))
		for i, p := range pairs {
			attrs[i] = slog.Attr{Key: p.key, Value: logValue(L, p.value)}
		}
		m.logger.LogAttrs(ctx, level, msg, attrs...)
		return 0
	}
	if (top-1)%2 != 0 {
		L.RaiseError("%s: odd number of key-value arguments (%d); pass key, value pairs or one table of fields", fname, top-1)
	}
	for i := 2; i <= top; i += 2 {
		if _, ok := L.Get(i).(lua.LString); !ok {
			L.RaiseError("%s: argument #%d is a field name and must be a string, got %s", fname, i, describeValue(L.Get(i)))
		}
	}
	if !m.logger.Enabled(ctx, level) {
		return 0
	}
	attrs := make([]slog.Attr, 0, (top-1)/2)
	for i := 2; i <= top; i += 2 {
		attrs = append(attrs, slog.Attr{Key: L.ToString(i), Value: logValue(L, L.Get(i+1))})
	}
	m.logger.LogAttrs(ctx, level, msg, attrs...)
	return 0
}

// logValue converts a field value with ToGo. Tables are logged as their
// JSON encoding; values with a __tostring metamethod (API errors, say) as
// that string; strings as they are, valid UTF-8 or not; and values ToGo
// refuses (functions, NaN, a table holding a function) as tostring gives
// them, followed by the reason for a table.
func logValue(L *lua.LState, v lua.LValue) slog.Value {
	switch v := v.(type) {
	case lua.LString:
		return slog.StringValue(string(v))
	case *lua.LTable, *lua.LUserData:
		if !IsNull(v) && L.GetMetaField(v, "__tostring") != lua.LNil {
			return slog.StringValue(L.ToStringMeta(v).String())
		}
	}
	g, err := ToGo(v)
	if err != nil {
		if _, ok := v.(*lua.LTable); ok {
			return slog.StringValue(v.String() + " (" + err.Error() + ")")
		}
		return slog.StringValue(v.String())
	}
	switch g := g.(type) {
	case nil:
		return slog.AnyValue(nil)
	case bool:
		return slog.BoolValue(g)
	case int64:
		return slog.Int64Value(g)
	case float64:
		return slog.Float64Value(g)
	case string:
		return slog.StringValue(g)
	}
	buf, _ := appendGo(nil, g)
	return slog.AnyValue(jsonText(buf))
}

// jsonText is a table's JSON encoding as a log value: a JSON handler embeds
// it as JSON, a text handler prints it as text.
type jsonText []byte

// MarshalJSON returns the encoding itself.
func (j jsonText) MarshalJSON() ([]byte, error) { return j, nil }

// String returns the encoding as a string.
func (j jsonText) String() string { return string(j) }
