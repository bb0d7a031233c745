package main

import (
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"
)

// minTermWidth is the narrowest terminal the REPL fits tables to; a
// narrower (or unknown) width falls back to the COLUMNS variable, then to
// the printer's default.
const minTermWidth = 20

// terminalWidth returns the width in columns the REPL lays its tables out
// in: one less than the terminal's (out, when it is one), so that a full
// line never makes the terminal wrap; else one less than $COLUMNS; else 0
// (the printer's default). A redacting stream counts as the terminal
// under it.
func terminalWidth(out any) int {
	if w, ok := out.(io.Writer); ok {
		out = rawWriter(w)
	}
	if f, ok := out.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > minTermWidth {
			return w - 1
		}
	}
	if w, err := strconv.Atoi(strings.TrimSpace(os.Getenv("COLUMNS"))); err == nil && w > minTermWidth {
		return w - 1
	}
	return 0
}
