package bindings

import (
	"context"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/audit"
)

// writeCall is one write request of a binding, sent through module.write.
type writeCall struct {
	op       string // the binding, as the audit log and messages name it: "permission.grant"
	endpoint string // "POST /userspermission/usergroups_project_permission"
	items    int    // items the request carries; 0 counts as 1
	body     any    // the request body, whose size a dry run logs; nil: none; never a secret
	group    string // the group written, when known before the call
	// call sends the request.
	call func(c context.Context) error
	// applied, if set, completes the audit entry of a call that succeeded
	// (the id of a user created, the grants changed).
	applied func(e *audit.Entry)
}

func (w writeCall) count() int { return max(w.items, 1) }

// write is the one path of the access modules' writes: under --dry-run
// it logs what it would send and returns false; otherwise it sends, times
// the call, appends its audit entry and raises its error, and returns true.
func (m *module) write(L *lua.LState, w writeCall) bool {
	if m.dryRun {
		m.logWrite(L, w.op, w.endpoint, w.count(), w.body)
		return false
	}
	start := time.Now()
	err := w.call(ctx(L))
	e := m.auditEntry(w.op, w.endpoint, w.count(), start, err)
	e.Group = w.group
	if err == nil && w.applied != nil {
		w.applied(&e)
	}
	m.appendAudit(e)
	if err != nil {
		raise(L, w.op, err)
	}
	return true
}
