package bindings

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/clickscript/clickscript/audit"
	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/internal/printable"
)

// permissionChanges lists the grant changes of entries to reverse, newest
// first. Dry runs and failed calls changed nothing.
func permissionChanges(entries []audit.Entry) []audit.PermissionChange {
	var out []audit.PermissionChange
	for _, e := range slices.Backward(entries) {
		if e.DryRun || e.Error != "" {
			continue
		}
		for _, c := range slices.Backward(e.Permissions) {
			out = append(out, c)
		}
	}
	return out
}

// reversePermissions undoes grant changes, newest first: a grant the run
// added is revoked, one it revoked is granted again at its level before,
// a level it changed is set back. A grant that others changed since (gone,
// back, or at another level) is left alone and reported. Each subject's
// grants are read once and kept up to date.
func (u *undoer) reversePermissions(ctx context.Context, changes []audit.PermissionChange) error {
	type subject struct {
		kind pairKind
		id   string
	}
	grants := map[subject]map[string]grantRec{}
	for _, c := range changes {
		k := pairKind{c.Subject, c.Object}
		if k != (pairKind{"group", "project"}) && k != (pairKind{"group", "drive"}) && k != (pairKind{"user", "project"}) && k != (pairKind{"user", "drive"}) {
			u.rep.CannotReverse = append(u.rep.CannotReverse, fmt.Sprintf("a grant of kind %s-%s is not one clickscript knows", c.Subject, c.Object))
			continue
		}
		s := subject{k, c.SubjectID}
		cur, ok := grants[s]
		if !ok {
			var err error
			if cur, err = u.m.currentGrants(ctx, k, c.SubjectID); err != nil {
				return fmt.Errorf("undo: %w", err)
			}
			grants[s] = cur
		}
		if err := u.reverseGrant(ctx, c, k, cur); err != nil {
			return err
		}
	}
	return nil
}

// reverseGrant undoes one change; cur is the subject's grants of kind k,
// by object id, updated as it goes.
func (u *undoer) reverseGrant(ctx context.Context, c audit.PermissionChange, k pairKind, cur map[string]grantRec) error {
	rep, m := u.rep, u.m
	what := fmt.Sprintf("%s %s on %s %s", c.Subject, c.SubjectID, c.Object, c.ObjectID)
	now, present := cur[c.ObjectID]
	before, after := clickapi.PermissionLevel(c.PrevLevel), clickapi.PermissionLevel(c.Level)
	switch {
	case before == 0 && !present:
		rep.Untouched = append(rep.Untouched, "the grant of "+what+" is gone already")
	case before == 0 && now.level != after:
		rep.Untouched = append(rep.Untouched, fmt.Sprintf("the grant of %s is %s now, not %s: changed since", what, now.level, after))
	case before == 0:
		say(u.out, "revoke the grant of %s\n", what)
		if !m.dryRun {
			if err := m.revokeGrant(ctx, k, now.id); err != nil {
				return fmt.Errorf("undo: revoke the grant of %s: %w", what, err)
			}
		}
		delete(cur, c.ObjectID)
		rep.GrantsRevoked++
	case after == 0 && present:
		rep.Untouched = append(rep.Untouched, fmt.Sprintf("%s has a grant again already (%s)", what, now.level))
	case after == 0:
		say(u.out, "grant %s again, %s\n", what, before)
		g := grantRec{kind: k, subjectID: c.SubjectID, objectID: c.ObjectID, level: before}
		if !m.dryRun {
			if err := m.sendGrants(ctx, k, true, []grantRec{g}); err != nil {
				return fmt.Errorf("undo: grant %s again: %w", what, err)
			}
		}
		cur[c.ObjectID] = g
		if !m.dryRun {
			// The new record's id is only known from a read: an older
			// change of the same pair may need it.
			fresh, err := m.currentGrants(ctx, k, c.SubjectID)
			if err != nil {
				return fmt.Errorf("undo: %w", err)
			}
			clear(cur)
			maps.Copy(cur, fresh)
		}
		rep.GrantsRestored++
	case !present || now.level != after:
		rep.Untouched = append(rep.Untouched, fmt.Sprintf("the grant of %s is no longer %s: changed since", what, after))
	default:
		say(u.out, "set the grant of %s back to %s\n", what, before)
		now.level = before
		if !m.dryRun {
			if err := m.sendGrants(ctx, k, false, []grantRec{now}); err != nil {
				return fmt.Errorf("undo: set the grant of %s back: %w", what, err)
			}
		}
		cur[c.ObjectID] = now
		rep.LevelsSetBack++
	}
	return nil
}

// say writes a line of undo's plan to w. Its string arguments are names
// from the agent or the audit file: their control characters are shown
// escaped.
func say(w io.Writer, format string, a ...any) {
	for i, v := range a {
		if s, ok := v.(string); ok {
			a[i] = printable.Escape(s)
		}
	}
	fmt.Fprintf(w, format, a...)
}
