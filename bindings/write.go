package bindings

import (
	"context"
	"errors"
	"log/slog"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/audit"
	"github.com/clickscript/clickscript/clickapi"
)

// writeCall is one write request of a binding: every write, single or a
// bulk batch, is sent through write or call, which keep the audit log.
type writeCall struct {
	op       string // the binding, as the audit log and messages name it: "usergroup.insert"
	endpoint string // "POST /usergroup/insert"
	items    int    // records the request carries; 0 counts as 1
	body     any    // what is sent, for the dry-run plan's size; never a secret
	send     func(c context.Context) error
	// audit fills the details of the call's audit entry; err is the
	// call's error (nil when it succeeded). nil: the common fields only.
	audit func(e *audit.Entry, err error)
}

func (w writeCall) count() int { return max(w.items, 1) }

// write is how a binding sends one write call: under --dry-run it logs
// what it would send and returns false, having sent nothing; otherwise it
// sends it (see call), raises its error as the binding's, and returns true.
func (m *module) write(L *lua.LState, w writeCall) bool {
	if m.dryRun {
		m.logWrite(L, w.op, w.endpoint, w.count(), w.body)
		return false
	}
	if err := m.call(ctx(L), w); err != nil {
		raise(L, w.op, err)
	}
	return true
}

// call sends w, timed, appends its audit entry and returns its error. It
// does not check dry-run mode: callers that plan several calls (bulk
// writes, sync, create_groups) check it once for all.
func (m *module) call(c context.Context, w writeCall) error {
	start := time.Now()
	err := w.send(c)
	e := audit.Entry{Time: start.UTC(), Op: w.op, Endpoint: w.endpoint, Items: w.count(), Status: 200,
		DurationMS: float64(time.Since(start).Microseconds()) / 1000, DryRun: m.dryRun}
	if err != nil {
		e.Status = 0
		var apiErr *clickapi.APIError
		if errors.As(err, &apiErr) {
			e.Status = apiErr.Status
		}
		e.Error = err.Error()
	}
	if w.audit != nil {
		w.audit(&e, err)
	}
	if m.audit != nil {
		if aerr := m.audit.Append(e); aerr != nil {
			m.log.Error("audit log", "error", aerr)
		}
	}
	if err == nil {
		m.log.LogAttrs(c, slog.LevelDebug, "write sent", slog.String("op", w.op), slog.String("endpoint", w.endpoint),
			slog.Int("items", w.count()), slog.Duration("duration", time.Since(start)))
	}
	return err
}

// logWrite reports a write that dry-run mode did not send: the op, the
// endpoint, how many items and how many bytes the body would have had.
func (m *module) logWrite(L *lua.LState, op, endpoint string, items int, body any) {
	size := 0
	if body != nil {
		if b, err := jsonSize(body); err == nil {
			size = b
		}
	}
	m.log.LogAttrs(ctx(L), slog.LevelInfo, "dry run: not sent", slog.String("op", op), slog.String("endpoint", endpoint),
		slog.Int("items", items), slog.Int("bytes", size))
}
