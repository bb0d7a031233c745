package bindings

import "strings"

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
