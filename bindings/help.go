package bindings

import (
	"strings"

	"github.com/clickscript/clickscript/stdlib"
)

// FullName returns the function's name as scripts call it: "usergroup.list".
func (f Func) FullName() string {
	return f.Module + "." + f.Name
}

// Signature returns the function's LuaLS-style signature, in the form
// stdlib.FuncDoc uses: "usergroup.list(opts?: GroupListOptions):
// ListIterator<UserGroup>". An optional parameter (a type ending in "?")
// is written "name?: Type".
func (f Func) Signature() string {
	if f.IsValue() {
		return f.FullName() + ": " + f.Returns
	}
	var b strings.Builder
	b.WriteString(f.FullName())
	b.WriteByte('(')
	for i, p := range f.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.Name)
		if t, ok := strings.CutSuffix(p.Type, "?"); ok {
			b.WriteString("?: " + t)
		} else {
			b.WriteString(": " + p.Type)
		}
	}
	b.WriteByte(')')
	if f.Returns != "" {
		b.WriteString(": " + f.Returns)
	}
	return b.String()
}

// APIDoc documents one function or constant of the Lua API.
type APIDoc struct {
	Module, Name string
	Signature    string  // "usergroup.list(opts?: GroupListOptions): ListIterator<UserGroup>"
	Params       []Param // an optional one has a Type ending in "?", as in Func
	Returns      string  // LuaLS result types, comma-separated; a constant's type
	Summary      string
	Value        bool // a constant of the module, not a function
}

// API lists the whole documented Lua surface, built in this one place from
// the tables that register it: the bindings' modules (Funcs), then the
// standard library's (stdlib.Docs). The REPL's :help and `clickscript
// types` (stubs and reference) both read it.
func API() []APIDoc {
	var out []APIDoc
	for _, f := range Funcs() {
		out = append(out, APIDoc{Module: f.Module, Name: f.Name, Signature: f.Signature(),
			Params: f.Params, Returns: f.Returns, Summary: f.Summary, Value: f.IsValue()})
	}
	for _, d := range stdlib.Docs() {
		out = append(out, stdlibDoc(d))
	}
	return out
}

// stdlibDoc reads a stdlib signature: "json.decode(text: string): any",
// "log.info(msg: string, ...: any)" or, for a value, "json.null: userdata".
func stdlibDoc(d stdlib.FuncDoc) APIDoc {
	doc := APIDoc{Module: d.Module, Name: d.Name, Signature: d.Signature, Summary: d.Summary, Value: d.Value}
	sig := strings.TrimPrefix(d.Signature, d.Module+"."+d.Name)
	if d.Value {
		doc.Returns = strings.TrimSpace(strings.TrimPrefix(sig, ":"))
		return doc
	}
	params, rest := sig, ""
	if strings.HasPrefix(sig, "(") {
		end := closing(sig)
		params, rest = sig[1:end], sig[end+1:]
	}
	for _, p := range SplitTop(params, ',') {
		name, typ, ok := strings.Cut(p, ":")
		if !ok {
			typ = "any"
		}
		name, typ = strings.TrimSpace(name), strings.TrimSpace(typ)
		if n, optional := strings.CutSuffix(name, "?"); optional {
			name, typ = n, typ+"?"
		}
		doc.Params = append(doc.Params, Param{Name: name, Type: typ})
	}
	if r, ok := strings.CutPrefix(strings.TrimSpace(rest), ":"); ok {
		doc.Returns = strings.TrimSpace(r)
	}
	return doc
}

// closing returns the index of the bracket that closes the one s starts with.
func closing(s string) int {
	depth := 0
	for i, r := range s {
		switch r {
		case '(', '{', '[', '<':
			depth++
		case ')', '}', ']', '>':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return len(s) - 1
}

// SplitTop splits s at the seps that are outside brackets, trimming the
// parts: "a, fun(x, y), b" is "a", "fun(x, y)", "b".
func SplitTop(s string, sep rune) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '(', '{', '[', '<':
			depth++
		case ')', '}', ']', '>':
			depth--
		case sep:
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	if last := strings.TrimSpace(s[start:]); last != "" {
		out = append(out, last)
	}
	return out
}
