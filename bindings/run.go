package bindings

import lua "github.com/yuin/gopher-lua"

// runFuncs is the clickscript module: facts about the run, for scripts
// that word their output by them ("would remove" under --dry-run).
func runFuncs() []Func {
	return []Func{
		{Module: "clickscript", Name: "dry_run", Returns: "boolean",
			Summary: "true under --dry-run: reads go through, writes are planned and not sent. Word the output as a plan (\"would remove ...\").",
			value:   func(m *module) lua.LValue { return lua.LBool(m.dryRun) }},
	}
}
