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
// bulk batch, is sent through send or write, which keep the audit log.
type writeCall struct {
	op       string // the binding, as the audit log and messages name it: "usergroup.insert"
	endpoint string // "POST /usergroup/insert"
	items    int    // items the request carries; 0 counts as 1
	body     any    // the request body, whose size a dry run logs; nil: none
	group    string // the group written, when known before the call
	// call sends the request.
	call func(c context.Context) error
	// applied, if set, completes the audit entry of a call that succeeded
	// (the id of a group created, the pairs added or removed).
	applied func(e *audit.Entry)
}

func (w writeCall) count() int { return max(w.items, 1) }

// write is how a binding sends one write call: under dry run it logs the
// call and returns false, having sent nothing; otherwise it sends it (see
// send) and raises its error as the binding's, or returns true.
func (m *module) write(L *lua.LState, w writeCall) bool {
	if m.dryRun {
		m.logWrite(L, w.op, w.endpoint, w.count(), w.body)
		return false
	}
	if err := m.send(ctx(L), w); err != nil {
		raise(L, w.op, err)
	}
	return true
}

// send makes the call, timed, appends its audit entry and returns its
// error. It does not check dry-run mode: callers that plan several calls
// (bulk writes, sync) check it once for all.
func (m *module) send(c context.Context, w writeCall) error {
	start := time.Now()
	err := w.call(c)
	e := audit.Entry{Time: start.UTC(), Op: w.op, Endpoint: w.endpoint, Items: w.count(), Group: w.group, Status: 200,
		DurationMS: float64(time.Since(start).Microseconds()) / 1000, DryRun: m.dryRun}
	if err != nil {
		e.Status = 0
		var apiErr *clickapi.APIError
		if errors.As(err, &apiErr) {
			e.Status = apiErr.Status
		}
		e.Error = err.Error()
	} else if w.applied != nil {
		w.applied(&e)
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
