package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/clickscript/clickscript/bindings"
)

func typesCommand() *command {
	return &command{
		name:    "types",
		args:    "[--markdown]",
		summary: "print LuaLS type stubs of every module (or, with --markdown, the API reference)",
		example: "clickscript types > types/clickscript.lua   # for lua-language-server: see .luarc.json in the README\n" +
			"clickscript types --markdown > docs/lua-api.md",
		setup: func(fs *pflag.FlagSet) func(context.Context, []string, streams) error {
			markdown := fs.Bool("markdown", false, "print the Lua API reference in Markdown (docs/lua-api.md) instead")
			return func(ctx context.Context, args []string, s streams) error {
				if len(args) > 0 {
					return usagef("unexpected argument %q", args[0])
				}
				api := luaAPI()
				var b bytes.Buffer
				if *markdown {
					api.writeMarkdown(&b)
				} else {
					api.writeStubs(&b)
				}
				_, err := s.stdout.Write(b.Bytes())
				return err
			}
		},
	}
}

// apiDoc is the whole Lua surface, gathered from the tables that register
// it (bindings.Funcs, stdlib.Docs) and the class docs (bindings.Classes),
// so that the stubs and the reference cannot drift from the code.
type apiDoc struct {
	modules []moduleDoc
	classes []bindings.ClassDoc
}

type moduleDoc struct {
	name, summary string
	funcs         []funcDoc
}

// funcDoc is one function, or with value set one constant, of a module.
type funcDoc struct {
	module, name string
	params       []paramDoc
	returns      []string // LuaLS types, one per result
	summary      string
	value        string // the type of a constant; "" for a function
}

// paramDoc is a parameter; optional ones have a name ending in "?".
type paramDoc struct {
	name, typ, doc string
}

// moduleSummaries says what each module is for, in the order the docs show them.
func moduleSummaries() []struct{ name, summary string } {
	return []struct{ name, summary string }{
		{"usergroup", "User groups, their members and assignments: the agent's UserGroup endpoints."},
		{"user", "The account's users: list and find them; insert, edit and delete them."},
		{"project", "The account's projects (look-ups: resolve names to ids)."},
		{"drive", "The account's shared cloud drives (look-ups: resolve names to ids)."},
		{"permission", "Who can reach what: the grants of groups and users on projects and shared cloud drives."},
		{"apitoken", "Long-lived API tokens of the signed-in user, for unattended runs."},
		{"json", "JSON encoding and decoding, with json.null for null."},
		{"csv", "CSV files: read whole into tables, written atomically."},
		{"log", "Structured logs to stderr (through the host's logger, token scrubbed)."},
		{"clickscript", "Facts about this run, such as whether it is a dry run."},
	}
}

// watchEventClass describes the global `event` of watch runs (eventValue).
func watchEventClass() bindings.ClassDoc {
	return bindings.ClassDoc{
		Name:    "WatchEvent",
		Summary: "What triggered a watch run: the global `event` in `clickscript watch` runs (nil in other runs).",
		Fields: []bindings.FieldDoc{
			{Name: "paths", Type: "string[]", Doc: "the changed paths, sorted; empty for the initial run"},
			{Name: "changes", Type: "{path: string, kind: \"create\"|\"write\"|\"remove\"|\"rename\"}[]", Doc: "the same paths with what happened to each"},
			{Name: "time", Type: "string", Doc: "when the run was triggered (RFC 3339)"},
			{Name: "initial", Type: "boolean", Doc: "true for the run that --initial asks for, before any change"},
		},
	}
}

// luaAPI gathers the API's documentation from bindings.API, the one
// list the REPL's :help reads too.
func luaAPI() apiDoc {
	byModule := map[string][]funcDoc{}
	for _, d := range bindings.API() {
		fd := funcDoc{module: d.Module, name: d.Name, summary: d.Summary}
		if d.Value {
			fd.value = d.Returns
			byModule[d.Module] = append(byModule[d.Module], fd)
			continue
		}
		for _, p := range d.Params {
			name := p.Name
			typ, optional := strings.CutSuffix(p.Type, "?")
			if optional {
				name += "?"
			}
			fd.params = append(fd.params, paramDoc{name, typ, p.Doc})
		}
		if d.Returns != "" {
			fd.returns = bindings.SplitTop(d.Returns, ',')
		}
		byModule[d.Module] = append(byModule[d.Module], fd)
	}
	var api apiDoc
	for _, m := range moduleSummaries() {
		api.modules = append(api.modules, moduleDoc{m.name, m.summary, byModule[m.name]})
		delete(byModule, m.name)
	}
	for _, name := range sortedKeys(byModule) {
		api.modules = append(api.modules, moduleDoc{name, "The " + name + " module.", byModule[name]})
	}
	api.classes = append(bindings.Classes(), watchEventClass())
	return api
}

// qualified is "module.name".
func (f funcDoc) qualified() string { return f.module + "." + f.name }

// signature is the LuaLS-style one-line signature.
func (f funcDoc) signature() string {
	if f.value != "" {
		return f.qualified() + ": " + f.value
	}
	ps := make([]string, len(f.params))
	for i, p := range f.params {
		ps[i] = p.name + ": " + p.typ
	}
	s := f.qualified() + "(" + strings.Join(ps, ", ") + ")"
	if len(f.returns) > 0 {
		s += ": " + strings.Join(f.returns, ", ")
	}
	return s
}

// writeStubs writes the LuaLS meta file: classes, then each module's table
// and functions, then the globals of watch runs.
func (api apiDoc) writeStubs(w io.Writer) {
	var globals []string
	for _, m := range api.modules {
		globals = append(globals, m.name)
	}
	globals = append(globals, "event")
	fmt.Fprintf(w, "---@meta clickscript\n\n")
	fmt.Fprintf(w, "-- clickscript's Lua API as LuaLS annotations, for lua-language-server.\n")
	fmt.Fprintf(w, "-- Generated by `clickscript types` from the tables that register the\n")
	fmt.Fprintf(w, "-- functions: do not edit; regenerate after upgrading clickscript.\n")
	fmt.Fprintf(w, "-- luacheck: globals %s, no unused args, no max line length\n", strings.Join(globals, " "))
	for _, c := range api.classes {
		fmt.Fprintf(w, "\n%s", luaComment(c.Summary))
		fmt.Fprintf(w, "---@class %s\n", c.Name)
		if c.Call != "" {
			fmt.Fprintf(w, "---@overload %s\n", c.Call)
		}
		for _, f := range c.Fields {
			fmt.Fprintf(w, "---@field %s %s%s\n", f.Name, f.Type, docSuffix(f.Doc))
		}
	}
	for _, m := range api.modules {
		fmt.Fprintf(w, "\n%s%s = {}\n", luaComment(m.summary), m.name)
		for _, f := range m.funcs {
			fmt.Fprintf(w, "\n%s", luaComment(f.summary))
			if f.value != "" {
				fmt.Fprintf(w, "---@type %s\n%s = nil\n", f.value, f.qualified())
				continue
			}
			names := make([]string, len(f.params))
			for i, p := range f.params {
				fmt.Fprintf(w, "---@param %s %s%s\n", p.name, p.typ, docSuffix(p.doc))
				names[i] = strings.TrimSuffix(p.name, "?")
			}
			for _, r := range f.returns {
				fmt.Fprintf(w, "---@return %s\n", r)
			}
			fmt.Fprintf(w, "function %s(%s) end\n", f.qualified(), strings.Join(names, ", "))
		}
	}
	fmt.Fprintf(w, "\n%s---@type WatchEvent?\nevent = nil\n", luaComment(watchEventClass().Summary))
}

// luaComment writes text as LuaLS description lines ("---text").
func luaComment(text string) string {
	if text == "" {
		return ""
	}
	var b strings.Builder
	for line := range strings.SplitSeq(text, "\n") {
		b.WriteString("---" + line + "\n")
	}
	return b.String()
}

func docSuffix(doc string) string {
	if doc == "" {
		return ""
	}
	return " " + strings.ReplaceAll(doc, "\n", " ")
}

// writeMarkdown writes the API reference, docs/lua-api.md.
func (api apiDoc) writeMarkdown(w io.Writer) {
	fmt.Fprintf(w, "# clickscript Lua API reference\n\n")
	fmt.Fprintf(w, "<!-- Generated by `clickscript types --markdown > docs/lua-api.md` from the tables\n")
	fmt.Fprintf(w, "     that register the functions: do not edit. A test fails when it is stale. -->\n\n")
	fmt.Fprintf(w, "Every module is a global (and `require`-able). Tables mirror the API's JSON keys,\n")
	fmt.Fprintf(w, "so the vendor's documentation carries over. API failures raise an [`ApiError`](#apierror)\n")
	fmt.Fprintf(w, "table; catch it with `pcall`. `arg` holds the script's arguments, and `event`\n")
	fmt.Fprintf(w, "what triggered a watch run ([`WatchEvent`](#watchevent)). For editor completion,\n")
	fmt.Fprintf(w, "`clickscript types` prints the same API as LuaLS annotations.\n\n")
	fmt.Fprintf(w, "## Modules\n\n")
	for _, m := range api.modules {
		var names []string
		for _, f := range m.funcs {
			names = append(names, fmt.Sprintf("[%s](#%s)", f.name, anchor(f.qualified())))
		}
		fmt.Fprintf(w, "- [`%s`](#%s): %s %s\n", m.name, anchor(m.name+" module"), m.summary, strings.Join(names, ", "))
	}
	fmt.Fprintf(w, "\nTypes: ")
	for i, c := range api.classes {
		if i > 0 {
			fmt.Fprintf(w, ", ")
		}
		fmt.Fprintf(w, "[`%s`](#%s)", c.Name, anchor(className(c.Name)))
	}
	fmt.Fprintf(w, "\n")
	for _, m := range api.modules {
		fmt.Fprintf(w, "\n## %s module\n\n%s\n", m.name, m.summary)
		for _, f := range m.funcs {
			fmt.Fprintf(w, "\n### %s\n\n```lua\n%s\n```\n\n%s\n", f.qualified(), f.signature(), f.summary)
			if len(f.params) > 0 {
				fmt.Fprintf(w, "\n| parameter | type | |\n|---|---|---|\n")
				for _, p := range f.params {
					fmt.Fprintf(w, "| `%s` | %s | %s |\n", p.name, mdType(p.typ), mdCell(p.doc))
				}
			}
			if len(f.returns) > 0 {
				var rs []string
				for _, r := range f.returns {
					rs = append(rs, mdType(r))
				}
				fmt.Fprintf(w, "\nReturns %s.\n", strings.Join(rs, ", "))
			}
		}
	}
	fmt.Fprintf(w, "\n## Types\n")
	for _, c := range api.classes {
		fmt.Fprintf(w, "\n### %s\n\n%s\n", className(c.Name), c.Summary)
		if c.Model != nil {
			fmt.Fprintf(w, "Fields from the API's JSON (`clickapi.%s`).\n", c.Model.Name())
		}
		if c.Call != "" {
			fmt.Fprintf(w, "Callable: %s.\n", mdType(c.Call))
		}
		fmt.Fprintf(w, "\n| field | type | |\n|---|---|---|\n")
		for _, f := range c.Fields {
			fmt.Fprintf(w, "| `%s` | %s | %s |\n", f.Name, mdType(f.Type), mdCell(f.Doc))
		}
	}
}

// className drops a generic parameter: "ListIterator<T>" -> "ListIterator".
func className(name string) string {
	base, _, _ := strings.Cut(name, "<")
	return base
}

// anchor is GitHub's heading anchor of a heading text.
func anchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// mdType renders a LuaLS type in a table cell: code, with "|" escaped.
func mdType(t string) string {
	return "`" + strings.ReplaceAll(t, "|", `\|`) + "`"
}

// mdCell escapes a table cell's text.
func mdCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}
