package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/clickscript/clickscript/doctor"
)

func doctorCommand() *command {
	return &command{
		name:    "doctor",
		args:    "[flags]",
		summary: "check a live agent against the Click API contract, reading only (exit 1 when it differs)",
		example: "clickscript doctor\n" +
			"clickscript doctor --url http://127.0.0.1:29123 --record doctor.json   # attach doctor.json to a bug report",
		setup: func(fs *pflag.FlagSet) func(context.Context, []string, streams) error {
			var cf connFlags
			cf.register(fs)
			var samples int
			fs.IntVar(&samples, "samples", 20, "how many small requests measure the latency")
			return func(ctx context.Context, args []string, s streams) error {
				if len(args) > 0 {
					return usagef("unexpected argument %q", args[0])
				}
				if err := cf.validate(); err != nil {
					return usagef("%v", err)
				}
				if samples < 1 {
					return usagef("--samples %d: want 1 or more", samples)
				}
				if cf.dryRun {
					return usagef("--dry-run: doctor sends no writes anyway")
				}
				sess, err := cf.open(ctx, s)
				if err != nil {
					return err
				}
				runCtx, cancel := withTimeout(ctx, cf)
				defer cancel()
				rep, err := doctor.Run(runCtx, sess.client, doctor.Options{Samples: samples, Parallel: cf.concurrency})
				rep.Print(s.stdout)
				if err == nil {
					if diffs := rep.Differences(); len(diffs) > 0 {
						var items []string
						for _, d := range diffs {
							items = append(items, d.Item)
						}
						err = fmt.Errorf("the agent differs from the contract in %d checks: %s", len(diffs), strings.Join(items, "; "))
					}
				}
				return joinErrors(err, sess.close())
			}
		},
	}
}
