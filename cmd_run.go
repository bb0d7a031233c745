package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/clickscript/clickscript/engine"
)

func runCommand() *command {
	return &command{
		name:    "run",
		args:    "[flags] SCRIPT.lua [-- ARGS...]",
		summary: "run a Lua script once (\"-\" reads it from stdin)",
		example: "clickscript run --emulator scripts/group_report.lua\n" +
			"clickscript run --dry-run scripts/sync_group_from_csv.lua -- \"Design Team\" members.csv",
		setup: func(fs *pflag.FlagSet) func(context.Context, []string, streams) error {
			var cf connFlags
			var bf bulkFlags
			var lf limitFlags
			var child childFlags
			cf.register(fs)
			bf.register(fs)
			lf.register(fs)
			child.register(fs)
			return func(ctx context.Context, args []string, s streams) error {
				if len(args) == 0 {
					return usagef("missing the script to run")
				}
				if err := cf.validate(); err != nil {
					return usagef("%v", err)
				}
				lim, err := lf.limits()
				if err != nil {
					return usagef("%v", err)
				}
				if s.exe != "" && !child.supervised {
					// The script runs in a child process this one can
					// always stop; the child checks the rest.
					childArgs := append(append([]string{"run", "--supervised"}, flagArgs(fs)...), "--")
					return superviseRun(ctx, s, append(childArgs, args...), nil, cf.timeout)
				}
				globals, err := child.globalsMap()
				if err != nil {
					return usagef("%v", err)
				}
				script, err := engine.ReadScript(args[0], s.stdin)
				if err != nil {
					return err
				}
				sess, err := cf.open(ctx, s)
				if err != nil {
					return err
				}
				files, err := bf.open(s.secrets)
				if err != nil {
					return joinErrors(err, sess.close())
				}
				opts := sess.engineOptions(s.stdout, s.stderr, files, lim)
				opts.Globals = globals
				if child.supervised {
					opts.HardStop = hardStopper(s, cf.timeout)
					if s.wrote != nil {
						opts.Wrote = s.wrote.add
					}
				}
				eng := engine.New(opts)
				runCtx, cancel := withTimeout(ctx, cf)
				defer cancel()
				err = eng.Run(runCtx, script, args[1:])
				if errors.Is(err, context.DeadlineExceeded) {
					err = &timeoutError{cf.timeout}
				}
				return joinErrors(err, files.close(), sess.close())
			}
		},
	}
}

// childFlags are the hidden flags of a run in a child process.
type childFlags struct {
	supervised  bool   // run here: this is the child
	globalsJSON string // JSON object of globals to set (watch's event)
}

func (c *childFlags) register(fs *pflag.FlagSet) {
	fs.BoolVar(&c.supervised, "supervised", false, "run in this process (a parent process supervises it)")
	fs.StringVar(&c.globalsJSON, "globals", "", "a JSON object of globals to set before the script runs")
	fs.MarkHidden("supervised")
	fs.MarkHidden("globals")
}

// globalsMap returns the --globals object (nil: none).
func (c *childFlags) globalsMap() (map[string]any, error) {
	if c.globalsJSON == "" {
		return nil, nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(c.globalsJSON), &m); err != nil {
		return nil, fmt.Errorf("--globals: %v", err)
	}
	return m, nil
}

// superviseRun runs `clickscript args...` (a supervised run) in a child
// process (see superviseChild), with env added to its environment.
func superviseRun(ctx context.Context, s streams, args, env []string, timeout time.Duration) error {
	var te error
	if timeout > 0 {
		te = &timeoutError{timeout}
	}
	return superviseChild(ctx, s, args, env, timeout, te)
}

// withTimeout applies --timeout to ctx.
func withTimeout(ctx context.Context, cf connFlags) (context.Context, context.CancelFunc) {
	if cf.timeout > 0 {
		return context.WithTimeout(ctx, cf.timeout)
	}
	return context.WithCancel(ctx)
}
