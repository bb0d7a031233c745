package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/clickscript/clickscript/audit"
)

func undoCommand() *command {
	return &command{
		name:    "undo",
		args:    "[flags] AUDIT_FILE",
		summary: "reverse the membership changes a run recorded with --audit (try --dry-run first)",
		example: "clickscript run --audit sync.audit scripts/sync_group_from_csv.lua -- \"Design Team\" members.csv\n" +
			"clickscript undo --dry-run sync.audit\n" +
			"clickscript undo sync.audit",
		setup: func(fs *pflag.FlagSet) func(context.Context, []string, streams) int {
			var cf connFlags
			cf.register(fs)
			return func(ctx context.Context, args []string, s streams) int {
				if len(args) != 1 {
					return usageError(s, "undo", "want exactly one audit file")
				}
				if err := cf.validate(); err != nil {
					return usageError(s, "undo", "%v", err)
				}
				entries, err := audit.ReadLog(args[0])
				if err != nil {
					fmt.Fprintf(s.stderr, "clickscript undo: %v\n", err)
					return exitError
				}
				sess, err := cf.open(ctx, s)
				if err != nil {
					fmt.Fprintf(s.stderr, "clickscript undo: %v\n", err)
					return exitError
				}
				runCtx, cancel := withTimeout(ctx, cf)
				defer cancel()
				rep, err := audit.Undo(runCtx, sess.client, entries, cf.dryRun, s.stdout)
				code := exitOK
				if err != nil {
					fmt.Fprintf(s.stderr, "clickscript undo: %v\n", err)
					code = exitError
				}
				if rep != nil {
					for _, u := range rep.Untouched {
						fmt.Fprintf(s.stdout, "left alone: %s\n", u)
					}
					for _, c := range rep.CannotReverse {
						fmt.Fprintf(s.stdout, "cannot reverse: %s\n", c)
					}
					verb := "undone"
					if cf.dryRun {
						verb = "dry run, nothing sent"
					}
					fmt.Fprintf(s.stdout, "%s: %d unassigned, %d assigned again, %d left alone, %d cannot be reversed\n",
						verb, rep.Unassigned, rep.Reassigned, len(rep.Untouched), len(rep.CannotReverse))
				}
				if err := sess.close(); err != nil {
					fmt.Fprintf(s.stderr, "clickscript undo: %v\n", err)
					code = exitError
				}
				return code
			}
		},
	}
}
