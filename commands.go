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
	// command with the positional arguments once the flags are parsed.
	setup func(fs *pflag.FlagSet) func(ctx context.Context, args []string, s streams) int
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
		typesCommand(),
		versionCommand(),
	}
}

func dispatch(ctx context.Context, cmds []*command, args []string, s streams) int {
	if len(args) == 0 {
		topUsage(s.stderr, cmds)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "--help":
		if len(rest) == 0 {
			topUsage(s.stdout, cmds)
			return exitOK
		}
		c := find(cmds, rest[0])
		if c == nil {
			fmt.Fprintf(s.stderr, "clickscript: unknown command %q\n\n", rest[0])
			topUsage(s.stderr, cmds)
			return exitUsage
		}
		fs, _ := c.flags(s.stdout)
		fs.Usage()
		return exitOK
	}
	c := find(cmds, name)
	if c == nil {
		fmt.Fprintf(s.stderr, "clickscript: unknown command %q\n\n", name)
		topUsage(s.stderr, cmds)
		return exitUsage
	}
	// Usage goes to stdout when asked for with --help, to stderr after a
	// bad flag: pflag prints it before saying which, so buffer it.
	var usage bytes.Buffer
	fs, runFn := c.flags(&usage)
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			s.stdout.Write(usage.Bytes())
			return exitOK
		}
		fmt.Fprintf(s.stderr, "clickscript %s: %v\n", c.name, err)
		usage.Reset()
		fs.Usage()
		s.stderr.Write(usage.Bytes())
		return exitUsage
	}
	return runFn(ctx, fs.Args(), s)
}

// flags builds the command's flag set, printing usage to w.
func (c *command) flags(w io.Writer) (*pflag.FlagSet, func(context.Context, []string, streams) int) {
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

func find(cmds []*command, name string) *command {
	for _, c := range cmds {
		if c.name == name {
			return c
		}
	}
	return nil
}

func topUsage(w io.Writer, cmds []*command) {
	fmt.Fprintf(w, "clickscript: Lua scripts for the Amove desktop agent's Click API\n\nUsage:\n")
	for _, c := range cmds {
		fmt.Fprintf(w, "  clickscript %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'clickscript help COMMAND' or 'clickscript COMMAND --help' for a command's flags and an example.\n")
}

// usageError prints a usage problem of command name and returns exitUsage.
func usageError(s streams, name, format string, a ...any) int {
	fmt.Fprintf(s.stderr, "clickscript %s: %s\nRun 'clickscript %s --help' for usage.\n", name, fmt.Sprintf(format, a...), name)
	return exitUsage
}
