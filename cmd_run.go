package main

import (
	"context"
	"errors"
	"fmt"

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
		setup: func(fs *pflag.FlagSet) func(context.Context, []string, streams) int {
			var cf connFlags
			var bf bulkFlags
			var lf limitFlags
			cf.register(fs)
			bf.register(fs)
			lf.register(fs)
			return func(ctx context.Context, args []string, s streams) int {
				if len(args) == 0 {
					return usageError(s, "run", "missing the script to run")
				}
				if err := cf.validate(); err != nil {
					return usageError(s, "run", "%v", err)
				}
				maxMemory, err := lf.bytes()
				if err != nil {
					return usageError(s, "run", "%v", err)
				}
				script, err := engine.ReadScript(args[0], s.stdin)
				if err != nil {
					fmt.Fprintf(s.stderr, "clickscript run: %v\n", err)
					return exitError
				}
				sess, err := cf.open(ctx, s)
				if err != nil {
					fmt.Fprintf(s.stderr, "clickscript run: %v\n", err)
					return exitError
				}
				files, err := bf.open()
				if err != nil {
					sess.close()
					fmt.Fprintf(s.stderr, "clickscript run: %v\n", err)
					return exitError
				}
				eng := engine.New(engine.Options{
					Client: sess.client, Stdout: s.stdout, Logger: sess.log,
					DryRun: cf.dryRun, Concurrency: cf.concurrency, PageSize: sess.pageSize,
					// A recording is made one request at a time, so that it
					// is byte-stable and replays in order.
					Sequential: cf.record != "",
					Audit:      files.audit, Journal: files.journal, Results: files.results,
					Progress:  progressFor(s.stderr, sess.log),
					MaxMemory: maxMemory, Sandbox: lf.sandbox,
				})
				runCtx, cancel := withTimeout(ctx, cf)
				defer cancel()
				code := reportRun(s, cf, eng.Run(runCtx, script, args[1:]))
				for _, err := range []error{files.close(), sess.close()} {
					if err != nil {
						fmt.Fprintf(s.stderr, "clickscript run: %v\n", err)
						code = max(code, exitError)
					}
				}
				return code
			}
		},
	}
}

// withTimeout applies --timeout to ctx.
func withTimeout(ctx context.Context, cf connFlags) (context.Context, context.CancelFunc) {
	if cf.timeout > 0 {
		return context.WithTimeout(ctx, cf.timeout)
	}
	return context.WithCancel(ctx)
}

// reportRun prints a run's failure to stderr and returns the exit code:
// 0, 1 for a script or API error or a timeout, 130 for Ctrl-C.
func reportRun(s streams, cf connFlags, err error) int {
	var se *engine.ScriptError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &se):
		fmt.Fprintln(s.stderr, se.Error())
		if se.Traceback != "" {
			fmt.Fprintln(s.stderr, se.Traceback)
		}
		return exitError
	case errors.Is(err, engine.ErrMemoryLimit):
		fmt.Fprintf(s.stderr, "clickscript: %v (--max-memory)\n", err)
		return exitError
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Fprintf(s.stderr, "clickscript: script stopped: --timeout %v reached\n", cf.timeout)
		return exitError
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(s.stderr, "clickscript: interrupted")
		return exitInterrupted
	default:
		fmt.Fprintf(s.stderr, "clickscript: %v\n", err)
		return exitError
	}
}
