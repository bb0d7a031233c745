// Package bindings exposes the Click API to Lua: the usergroup, user,
// project, drive, permission and apitoken modules. Tables mirror the
// API's JSON keys; API failures raise error tables (see raise); writes
// honour dry-run mode.
package bindings

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/audit"
	"github.com/clickscript/clickscript/clickapi"
)

// Options configures the modules of one Lua state.
type Options struct {
	Client      *clickapi.Client
	Logger      *slog.Logger // where dry-run plans and progress go; nil: discarded
	DryRun      bool         // log every write instead of sending it
	Concurrency int          // batches in flight at once for assign and import; 0: 4
	BatchSize   int          // items per assign or import request; 0: DefaultBatchSize
	PageSize    int          // page size of listings that set no pagesize; 0: the agent's default
	// Sequential sends one request at a time in a fixed order: no page
	// prefetch, one batch in flight. Recordings use it to be byte-stable.
	Sequential bool

	Audit   *audit.Log     // nil: no audit log; else one line per write call
	Journal *audit.Journal // nil: no journal; else applied batches are skipped and recorded
	Results *audit.Results // nil: no results file; else one row per bulk input row
	// Progress, if set, is called when a bulk write starts with the number
	// of rows it will send; the caller shows a bar or logs lines.
	Progress func(op string, total int) Progress
}

// Progress follows one bulk write.
type Progress interface {
	Add(rows int) // rows sent
	Finish()      // the write is over (done or failed)
}

type noProgress struct{}

func (noProgress) Add(int) {}
func (noProgress) Finish() {}

// DefaultBatchSize is how many items an assign or import request carries
// unless a script's `batch` option or Options.BatchSize says otherwise.
const DefaultBatchSize = 500

// DefaultConcurrency is how many batches are in flight at once by default.
const DefaultConcurrency = 4

// module is the state shared by the functions of one Lua state's modules.
type module struct {
	client   *clickapi.Client
	log      *slog.Logger
	dryRun   bool
	conc     int
	batch    int
	pageSize int
	seq      bool

	audit    *audit.Log
	journal  *audit.Journal
	results  *audit.Results
	progress func(op string, total int) Progress
}

// Func documents and implements one Lua function. The same table registers
// the functions and feeds the help text and type stubs, so the two cannot
// drift.
type Func struct {
	Module  string // "usergroup"
	Name    string // "list"
	Params  []Param
	Returns string // LuaLS type of the result, "" for none
	Summary string
	impl    func(m *module, L *lua.LState) int
	// value, for a constant of the module rather than a function, gives
	// its value; Returns is then its type.
	value func(m *module) lua.LValue
}

// IsValue says whether f is a constant of its module, not a function.
func (f Func) IsValue() bool { return f.value != nil }

// Param is one parameter of a Func, in LuaLS terms.
type Param struct {
	Name, Type, Doc string
}

// Funcs returns the functions of every module, in registration order.
func Funcs() []Func {
	return slices.Concat(usergroupFuncs(), userFuncs(), userWriteFuncs(), projectFuncs(), driveFuncs(),
		permissionFuncs(), permissionSyncFuncs(), apitokenFuncs(), runFuncs())
}

// newModule applies opts' defaults.
func newModule(opts Options) *module {
	m := &module{client: opts.Client, log: opts.Logger, dryRun: opts.DryRun, conc: opts.Concurrency, batch: opts.BatchSize, pageSize: opts.PageSize, seq: opts.Sequential,
		audit: opts.Audit, journal: opts.Journal, results: opts.Results, progress: opts.Progress}
	if m.progress == nil {
		m.progress = func(string, int) Progress { return noProgress{} }
	}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	if m.conc <= 0 {
		m.conc = DefaultConcurrency
	}
	if m.seq {
		m.conc = 1
	}
	if m.batch <= 0 {
		m.batch = DefaultBatchSize
	}
	return m
}

// Open registers the modules of Funcs in L: as preloaded modules
// (require "usergroup") and as globals. Call it once per state.
func Open(L *lua.LState, opts Options) {
	m := newModule(opts)
	registerErrorType(L)
	registerIterator(L)
	byModule := map[string]map[string]lua.LGFunction{}
	values := map[string]map[string]lua.LValue{}
	for _, f := range Funcs() {
		if byModule[f.Module] == nil {
			byModule[f.Module] = map[string]lua.LGFunction{}
			values[f.Module] = map[string]lua.LValue{}
		}
		if f.value != nil {
			values[f.Module][f.Name] = f.value(m)
			continue
		}
		impl := f.impl
		byModule[f.Module][f.Name] = func(L *lua.LState) int { return impl(m, L) }
	}
	for name, fns := range byModule {
		mod := L.SetFuncs(L.NewTable(), fns)
		for k, v := range values[name] {
			mod.RawSetString(k, v)
		}
		L.PreloadModule(name, func(L *lua.LState) int {
			L.Push(mod)
			return 1
		})
		L.SetGlobal(name, mod)
	}
}

// jsonSize is the size of v's JSON encoding.
func jsonSize(v any) (int, error) {
	b, err := json.Marshal(v)
	return len(b), err
}

// ctx is the context of the running script: cancelled by Ctrl-C or --timeout.
func ctx(L *lua.LState) context.Context {
	if c := L.Context(); c != nil {
		return c
	}
	return context.Background()
}
