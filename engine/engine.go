// Package engine runs Lua scripts: a fresh gopher-lua state per run with
// clickscript's modules preloaded and set as globals, the script's
// arguments in `arg`, and the run bound to a context so that Ctrl-C and
// timeouts stop it and its requests.
package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/audit"
	"github.com/clickscript/clickscript/bindings"
	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/stdlib"
)

// Options configures the runs of an engine.
type Options struct {
	Client      *clickapi.Client                             // the API the bindings talk to
	Stdout      io.Writer                                    // where print and io.write go; nil: os.Stdout
	Logger      *slog.Logger                                 // the log module, dry-run plans, progress; nil: discarded
	DryRun      bool                                         // writes are logged, not sent
	Concurrency int                                          // batches in flight for bulk writes; 0: the bindings' default
	BatchSize   int                                          // items per bulk request; 0: the bindings' default
	PageSize    int                                          // page size of listings that set none; 0: the agent's default
	Sequential  bool                                         // one request at a time, in a fixed order (for recordings)
	Audit       *audit.Log                                   // append one line per write call; nil: none
	Journal     *audit.Journal                               // skip and record applied bulk batches; nil: none
	Results     *audit.Results                               // one row per bulk input row; nil: none
	Progress    func(op string, total int) bindings.Progress // bulk progress; nil: none
	// MaxMemory, when above 0, stops a run whose process heap passes this
	// many bytes (the error wraps ErrInterrupted and ErrMemoryLimit).
	MaxMemory int64
	// Sandbox disables what reaches outside the API: running programs,
	// loading code from files, writing files, ending the process (see
	// policy). Reading files works as without it.
	Sandbox bool
	// Setup, if set, runs on each fresh state after the modules are
	// opened: watch mode adds its `event` table here.
	Setup func(L *lua.LState)
}

// Script is a Lua chunk to run and the name it goes by in messages.
type Script struct {
	Name   string // a path, "stdin" or a label
	Source string
}

// ReadScript reads the script at path; "-" reads stdin.
func ReadScript(path string, stdin io.Reader) (Script, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(stdin)
		path = "stdin"
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return Script{}, fmt.Errorf("read script: %w", err)
	}
	return Script{Name: path, Source: string(data)}, nil
}

// Engine runs scripts with one set of Options. Each Run gets a fresh Lua
// state, so runs share nothing.
type Engine struct {
	opts Options
}

// New returns an Engine.
func New(opts Options) *Engine {
	if opts.Stdout == nil {
		opts.Stdout = os.Stdout
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Engine{opts: opts}
}

// ErrInterrupted wraps the error of a run stopped before its end: by
// Ctrl-C (context.Canceled), a timeout (context.DeadlineExceeded) or the
// memory watchdog (ErrMemoryLimit).
var ErrInterrupted = errors.New("script stopped")

// Run runs script with args under ctx in a fresh state. It returns nil, a
// *ScriptError, or an error wrapping ErrInterrupted and the reason.
func (e *Engine) Run(ctx context.Context, script Script, args []string) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if e.opts.MaxMemory > 0 {
		defer watchMemory(ctx, cancel, e.opts.MaxMemory)()
	}
	L := e.NewState(ctx)
	defer L.Close()
	return e.Exec(ctx, L, script, args)
}

// NewState returns a fresh Lua state bound to ctx, with every module open
// under the engine's policy (see policy). The caller closes it. Run uses
// it; the REPL keeps one for a session.
func (e *Engine) NewState(ctx context.Context) *lua.LState {
	L := lua.NewState(lua.Options{CallStackSize: 200, MinimizeStackMemory: true, SkipOpenLibs: true})
	L.SetContext(ctx)
	openLibs(L, policy{sandbox: e.opts.Sandbox, stdout: e.opts.Stdout})
	stdlib.Open(L, stdlib.Options{Logger: e.opts.Logger, Sandbox: e.opts.Sandbox})
	// The bindings reach only the API: they need no policy.
	bindings.Open(L, bindings.Options{
		Client: e.opts.Client, Logger: e.opts.Logger, DryRun: e.opts.DryRun,
		Concurrency: e.opts.Concurrency, BatchSize: e.opts.BatchSize, PageSize: e.opts.PageSize, Sequential: e.opts.Sequential,
		Audit: e.opts.Audit, Journal: e.opts.Journal, Results: e.opts.Results, Progress: e.opts.Progress,
	})
	if e.opts.Setup != nil {
		e.opts.Setup(L)
	}
	return L
}

// Exec compiles and runs script in L with args as `arg` and as the
// chunk's `...`.
func (e *Engine) Exec(ctx context.Context, L *lua.LState, script Script, args []string) error {
	fn, err := L.Load(strings.NewReader(prepareSource(script.Source)), script.Name)
	if err != nil {
		return syntaxError(script.Name, err)
	}
	L.SetGlobal("arg", argTable(L, script.Name, args))
	L.Push(fn)
	for _, a := range args {
		L.Push(lua.LString(a))
	}
	if err := L.PCall(len(args), 0, nil); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%w: %w", ErrInterrupted, context.Cause(ctx))
		}
		return runtimeError(L, script.Name, err)
	}
	return nil
}

// argTable builds `arg` as the standalone lua interpreter does: arg[0] is
// the script, arg[1..n] its arguments, arg[-1] the program.
func argTable(L *lua.LState, name string, args []string) *lua.LTable {
	t := L.CreateTable(len(args), 2)
	t.RawSetInt(-1, lua.LString("clickscript"))
	t.RawSetInt(0, lua.LString(name))
	for i, a := range args {
		t.RawSetInt(i+1, lua.LString(a))
	}
	return t
}

// byteOrderMark is UTF-8's byte-order mark, which editors on Windows put
// at the start of a file.
const byteOrderMark = "\uFEFF"

// prepareSource drops a leading UTF-8 byte-order mark, as the standard Lua
// loader does, and empties a first line that starts with "#" (keeping line
// numbers), as the standalone interpreter does, so that scripts can be
// made executable ("#!/usr/bin/env clickscript run").
func prepareSource(src string) string {
	src = strings.TrimPrefix(src, byteOrderMark)
	if strings.HasPrefix(src, "#") {
		if i := strings.IndexByte(src, '\n'); i >= 0 {
			return src[i:]
		}
		return ""
	}
	return src
}

// DisplayName shortens an absolute script path for messages.
func DisplayName(path string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return path
}
