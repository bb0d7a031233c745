package bindings

import (
	"context"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/audit"
)

// writeCall is one write request of a binding, sent through module.write.
type writeCall struct {
	op       string // the binding: "permission.grant"
	endpoint string // "POST /userspermission/usergroups_project_permission"
	items    int    // records the request carries
	body     any    // what is sent, for the dry-run plan's size; never a secret
	send     func(c context.Context) error
	// audit fills the details of the call's audit entry; err is the
	// call's error (nil when it succeeded). nil: the common fields only.
	audit func(e *audit.Entry, err error)
}

// write is the one path of the access modules' writes: under --dry-run
// it logs what it would send and returns false; otherwise it sends, times
// the call, appends its audit entry and raises its error, and returns true.
func (m *module) write(L *lua.LState, w writeCall) bool {
	if m.dryRun {
		m.logWrite(L, w.op, w.endpoint, w.items, w.body)
		return false
	}
	start := time.Now()
	err := w.send(ctx(L))
	e := m.auditEntry(w.op, w.endpoint, w.items, start, err)
	if w.audit != nil {
		w.audit(&e, err)
	}
	m.appendAudit(e)
	if err != nil {
		raise(L, w.op, err)
	}
	return true
}
