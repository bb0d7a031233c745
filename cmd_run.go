package main

import (
	"context"
	"errors"

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
			cf.register(fs)
			bf.register(fs)
			lf.register(fs)
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
				script, err := engine.ReadScript(args[0], s.stdin)
				if err != nil {
					return err
				}
				sess, err := cf.open(ctx, s)
				if err != nil {
					return err
				}
				files, err := bf.open()
				if err != nil {
					return joinErrors(err, sess.close())
				}
				eng := engine.New(sess.engineOptions(s.stdout, s.stderr, files, lim))
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

// withTimeout applies --timeout to ctx.
func withTimeout(ctx context.Context, cf connFlags) (context.Context, context.CancelFunc) {
	if cf.timeout > 0 {
		return context.WithTimeout(ctx, cf.timeout)
	}
	return context.WithCancel(ctx)
}
