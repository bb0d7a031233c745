package repl

import "fmt"

// setMode switches the view for the command cmd (":table", ":wide",
// ":json"). :table comes back to the session's table view: the fitted
// one on a terminal, the piped format on a pipe.
func (r *Session) setMode(cmd string) {
	mode := ModeTable
	switch cmd {
	case ":wide":
		mode = ModeWide
	case ":json":
		mode = ModeJSON
	case ":table":
		if r.opts.Mode == ModePiped {
			mode = ModePiped
		}
	}
	r.printer.Mode = mode
}

// viewHelp is the part of :help on the view commands, naming the view in
// use.
func viewHelp(mode Mode) string {
	current := mode.String()
	if mode == ModePiped {
		current = "table (piped format)"
	}
	return "  :table       tables fitted to the terminal: the main columns, long cells cut, ids whole or left out\n" +
		"  :wide        every column, cells whole\n" +
		"  :json        values as JSON\n" +
		fmt.Sprintf("               (the view now: %s)\n", current)
}
