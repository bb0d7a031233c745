package repl

import (
	"slices"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// replCommands returns the REPL's own commands, completed at a line's start.
func replCommands() []string {
	return []string{":help", ":quit"}
}

// Complete returns the words that may complete the one that ends at rune
// offset pos of line, for tab completion: globals and keywords; the fields
// of a module or of any table reachable from the globals ("usergroup.li"
// offers list and list_details, "g." the keys of a global table g); after
// a colon, the methods of a value ("it:" offers all, close, count, first);
// at the start of a line the REPL's commands, and after ":help" the
// functions it documents. Each candidate is a whole word that replaces
// prefix, the part of it already typed; candidates are sorted. Complete
// only reads L: it calls no Lua function and no metamethod but __index
// tables, so it is safe while the user types.
func Complete(L *lua.LState, line string, pos int) (candidates []string, prefix string) {
	runes := []rune(line)
	pos = max(0, min(pos, len(runes)))
	before := string(runes[:pos])
	if trimmed := strings.TrimLeft(before, " \t"); strings.HasPrefix(trimmed, ":") {
		cmd, arg, hasArg := strings.Cut(trimmed, " ")
		if !hasArg {
			return matching(replCommands(), cmd), cmd
		}
		if cmd != ":help" && cmd != ":h" {
			return nil, ""
		}
		arg = strings.TrimLeft(arg, " ")
		return matching(helpTopics(), arg), arg
	}
	if inStringOrComment(before) {
		return nil, ""
	}
	start := len(before)
	for start > 0 && isWordByte(before[start-1]) {
		start--
	}
	word := before[start:]
	if word != "" && word[0] >= '0' && word[0] <= '9' {
		return nil, ""
	}
	cut := strings.LastIndexAny(word, ".:")
	if cut < 0 {
		names := members(L, L.G.Global, false)
		names = append(names, luaKeywords()...)
		slices.Sort(names)
		return matching(slices.Compact(names), word), word
	}
	path, sep, partial := word[:cut], word[cut], word[cut+1:]
	if path == "" || strings.Contains(path, ":") {
		return nil, ""
	}
	var v lua.LValue = L.G.Global
	for _, name := range strings.Split(path, ".") {
		if !isIdent(name) {
			return nil, ""
		}
		if v = field(L, v, name, 0); v == lua.LNil {
			return nil, ""
		}
	}
	return matching(members(L, v, sep == ':'), partial), partial
}

// isWordByte reports whether c may be part of a dotted name.
func isWordByte(c byte) bool {
	return c == '_' || c == '.' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// inStringOrComment reports whether the end of src is inside a quoted
// string or a -- comment (long brackets are not tracked).
func inStringOrComment(src string) bool {
	var quote byte
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case quote != 0 && c == '\\':
			i++
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '-' && i+1 < len(src) && src[i+1] == '-':
			return true
		}
	}
	return quote != 0
}

// maxIndexDepth bounds the __index chain Complete follows.
const maxIndexDepth = 8

// field returns v's field name, raw or through __index tables.
func field(L *lua.LState, v lua.LValue, name string, depth int) lua.LValue {
	if t, ok := v.(*lua.LTable); ok {
		if x := t.RawGetString(name); x != lua.LNil {
			return x
		}
	}
	if depth < maxIndexDepth {
		if idx, ok := L.GetMetaField(v, "__index").(*lua.LTable); ok {
			return field(L, idx, name, depth+1)
		}
	}
	return lua.LNil
}

// members returns the identifier keys of v and of its __index tables;
// methods keeps only those whose value is a function.
func members(L *lua.LState, v lua.LValue, methods bool) []string {
	var out []string
	for depth := 0; depth < maxIndexDepth && v != lua.LNil; depth++ {
		if t, ok := v.(*lua.LTable); ok {
			t.ForEach(func(k, x lua.LValue) {
				s, ok := k.(lua.LString)
				if !ok || !isIdent(string(s)) {
					return
				}
				if _, fn := x.(*lua.LFunction); methods && !fn {
					return
				}
				out = append(out, string(s))
			})
		}
		idx, ok := L.GetMetaField(v, "__index").(*lua.LTable)
		if !ok {
			break
		}
		v = idx
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// matching returns the words that start with prefix, sorted.
func matching(words []string, prefix string) []string {
	var out []string
	for _, w := range words {
		if strings.HasPrefix(w, prefix) {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
