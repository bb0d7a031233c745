package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/clickscript/clickscript/audit"
	"github.com/clickscript/clickscript/bindings"
	"github.com/clickscript/clickscript/internal/printable"
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
			skipBad := fs.Bool("skip-bad-lines", false, "go on when lines of the audit file do not parse (a torn last line): report them and reverse the rest")
			return func(ctx context.Context, args []string, s streams) error {
				if len(args) != 1 {
					return usagef("want exactly one audit file")
				}
				if cf.emulator {
					return usagef("--emulator starts a fresh emulator that never held the memberships of the audit file: point undo at the agent the run changed (--url, --profile)")
				}
				if err := cf.validate(); err != nil {
					return usagef("%v", err)
				}
				entries, bad, err := audit.ReadLogChecked(args[0])
				if err != nil {
					return err
				}
				for _, b := range bad {
					fmt.Fprintf(s.stderr, "bad audit line: %s\n", printable.Escape(b.String()))
				}
				if len(bad) > 0 && !*skipBad {
					return fmt.Errorf("%d lines of %s do not parse (listed above); nothing was changed: pass --skip-bad-lines to reverse the %d entries that do", len(bad), args[0], len(entries))
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
						fmt.Fprintf(s.stdout, "left alone: %s\n", printable.Escape(u))
					}
					for _, c := range rep.CannotReverse {
						fmt.Fprintf(s.stdout, "cannot reverse: %s\n", printable.Escape(c))
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
				if err == nil && rep != nil && len(rep.CannotReverse) > 0 && !cf.dryRun {
					err = fmt.Errorf("%d changes cannot be reversed (listed above as \"cannot reverse\")", len(rep.CannotReverse))
				}
				return joinErrors(err, sess.close())
			}
		},
	}
}
