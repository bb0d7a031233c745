package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// command is one subcommand: its flags, its help and what it does.
type command struct {
	name    string
	args    string // synopsis after the name, e.g. "[flags] SCRIPT.lua [-- ARGS...]"
	summary string
	example string
	// setup declares the flags on fs and returns the function that runs the
	// command with the positional arguments once the flags are parsed. The
	// function returns an error rather than printing it: Main.Run maps
	// errors to messages and exit codes in one place (see exitCode).
	setup func(fs *pflag.FlagSet) func(ctx context.Context, args []string, s streams) error
}

// commands lists every subcommand, in the order help shows them.
func commands() []*command {
	return []*command{
		runCommand(),
		replCommand(),
		watchCommand(),
		undoCommand(),
		emulatorCommand(),
		loginCommand(),
		logoutCommand(),
		whoamiCommand(),
		doctorCommand(),
		tokenCommand(),
		typesCommand(),
		versionCommand(),
	}
}

// Main is the program: its commands and its standard streams.
type Main struct {
	cmds []*command
	s    streams
}

// Run executes the command line args and returns the process exit code:
// 0, 1 for a script or API error, 2 for a bad command line, 130 when
// interrupted (see exitCode).
//
// Everything the command writes to stdout and stderr, error messages
// included, passes through the redaction of the command's secrets (see
// secrets.go).
func (m *Main) Run(ctx context.Context, args []string) int {
	m.s = m.s.redacting()
	name, err := m.dispatch(ctx, args)
	code := exitCode(m.s.stderr, name, err)
	m.s.flush()
	return code
}

// dispatch runs the command args name; it returns the command's name ("" when
// there is none) and its error.
func (m *Main) dispatch(ctx context.Context, args []string) (string, error) {
	if len(args) == 0 {
		return "", &usageError{more: m.topUsage()}
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "--help":
		if len(rest) == 0 {
			io.WriteString(m.s.stdout, m.topUsage())
			return "", nil
		}
		c := m.find(rest[0])
		if c == nil {
			return "", &usageError{msg: fmt.Sprintf("unknown command %q", rest[0]), more: "\n" + m.topUsage()}
		}
		fs, _ := c.flags(m.s.stdout)
		fs.Usage()
		return c.name, nil
	}
	c := m.find(name)
	if c == nil {
		return "", &usageError{msg: fmt.Sprintf("unknown command %q", name), more: "\n" + m.topUsage()}
	}
	// Usage goes to stdout when asked for with --help; pflag prints it
	// as it parses, so buffer it.
	var usage bytes.Buffer
	fs, runFn := c.flags(&usage)
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			m.s.stdout.Write(usage.Bytes())
			return c.name, nil
		}
		return c.name, &usageError{msg: flagProblem(fs, err)}
	}
	return c.name, runFn(ctx, fs.Args(), m.s)
}

// flags builds the command's flag set, printing usage to w.
func (c *command) flags(w io.Writer) (*pflag.FlagSet, func(context.Context, []string, streams) error) {
	fs := pflag.NewFlagSet(c.name, pflag.ContinueOnError)
	fs.SetOutput(w)
	fs.SortFlags = false
	runFn := c.setup(fs)
	fs.Usage = func() {
		fmt.Fprintf(w, "Usage: clickscript %s %s\n\n%s\n", c.name, c.args, c.summary)
		if fs.HasFlags() {
			fmt.Fprintf(w, "\nFlags:\n%s", fs.FlagUsages())
		}
		if c.example != "" {
			fmt.Fprintf(w, "\nExample:\n  %s\n", strings.ReplaceAll(c.example, "\n", "\n  "))
		}
	}
	return fs, runFn
}

func (m *Main) find(name string) *command {
	for _, c := range m.cmds {
		if c.name == name {
			return c
		}
	}
	return nil
}

func (m *Main) topUsage() string {
	var b strings.Builder
	fmt.Fprintf(&b, "clickscript: Lua scripts for the Amove desktop agent's Click API\n\nUsage:\n")
	indent := strings.Repeat(" ", len("  clickscript 123456789 ")) // under the summary's first line
	for _, c := range m.cmds {
		lines := wrapWords(c.summary, usageWidth-len(indent))
		fmt.Fprintf(&b, "  clickscript %-9s %s\n", c.name, strings.Join(lines, "\n"+indent))
	}
	b.WriteString("\n" + strings.Join(wrapWords("Run 'clickscript help COMMAND' or 'clickscript COMMAND --help' for a command's flags and an example.", usageWidth), "\n") + "\n")
	return b.String()
}

// usageWidth is the widest line of the command list: a summary wraps
// before it, under its first line, so that an 80-column terminal does
// not wrap it onto the start of a line.
const usageWidth = 80

// wrapWords breaks s into lines of at most width bytes at spaces and
// newlines (a word longer than width has a line of its own).
func wrapWords(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case len(line)+1+len(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	return append(lines, line)
}

// flagProblem describes a flag parsing error; an unknown flag comes with
// the nearest one the command has, when one is near.
func flagProblem(fs *pflag.FlagSet, err error) string {
	var ne *pflag.NotExistError
	if !errors.As(err, &ne) || ne.GetSpecifiedName() == "" {
		return err.Error()
	}
	var names []string
	fs.VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	if near := nearest(ne.GetSpecifiedName(), names); near != "" {
		return fmt.Sprintf("%v (did you mean --%s?)", err, near)
	}
	return err.Error()
}

// nearest returns the name in names closest to typed by edit distance,
// if it is close enough to be a slip (at most a third of the letters,
// and at least one, wrong), or else the one name typed begins; "" if none
// is.
func nearest(typed string, names []string) string {
	best, bestDist := "", max(1, len(typed)/3)+1
	for _, n := range names {
		if d := editDistance(typed, n); d < bestDist {
			best, bestDist = n, d
		}
	}
	if best != "" {
		return best
	}
	var prefixed []string
	for _, n := range names {
		if strings.HasPrefix(n, typed) {
			prefixed = append(prefixed, n)
		}
	}
	if len(prefixed) == 1 {
		return prefixed[0]
	}
	return ""
}

// editDistance is the Levenshtein distance of a and b, in bytes (flag
// names are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
