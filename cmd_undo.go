package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/clickscript/clickscript/audit"
	"github.com/clickscript/clickscript/bindings"
)

func undoCommand() *command {
	return &command{
		name:    "undo",
		args:    "[flags] AUDIT_FILE",
		summary: "reverse the membership and grant changes a run recorded with --audit (try --dry-run first)",
		example: "clickscript run --audit sync.audit scripts/sync_group_from_csv.lua -- \"Design Team\" members.csv\n" +
			"clickscript undo --dry-run sync.audit\n" +
			"clickscript undo sync.audit",
		setup: func(fs *pflag.FlagSet) func(context.Context, []string, streams) error {
			var cf connFlags
			cf.register(fs)
			return func(ctx context.Context, args []string, s streams) error {
				if len(args) != 1 {
					return usagef("want exactly one audit file")
				}
				if err := cf.validate(); err != nil {
					return usagef("%v", err)
				}
				entries, err := audit.ReadLog(args[0])
				if err != nil {
					return err
				}
				sess, err := cf.open(ctx, s)
				if err != nil {
					return err
				}
				runCtx, cancel := withTimeout(ctx, cf)
				defer cancel()
				rep, err := bindings.Undo(runCtx, sess.engineOptions(s.stdout, s.stderr, nil, limits{}).Options, entries, s.stdout)
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
					if n := rep.GrantsRevoked + rep.GrantsRestored + rep.LevelsSetBack; n > 0 {
						fmt.Fprintf(s.stdout, "grants: %d revoked, %d granted again, %d levels set back\n",
							rep.GrantsRevoked, rep.GrantsRestored, rep.LevelsSetBack)
					}
				}
				return joinErrors(err, sess.close())
			}
		},
	}
}
