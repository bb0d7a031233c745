// Package engine runs Lua scripts, and does only that: it owns a Lua
// state's lifecycle, a fresh gopher-lua state per run with clickscript's
// modules preloaded and set as globals, the script's arguments in `arg`,
// the limits and the sandbox, the errors, and the run bound to a context
// so that Ctrl-C and timeouts stop it and its requests. Package watch
// re-runs scripts on file changes and package repl keeps one state for a
// prompt; both build on it.
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

	"github.com/clickscript/clickscript/bindings"
	"github.com/clickscript/clickscript/stdlib"
)

// Options configures the runs of an engine. The bindings' options (client,
// logger, dry run, bulk and paging settings, record files) are embedded as
// they are: the engine passes them on to every state it makes.
type Options struct {
	bindings.Options
	Stdout io.Writer // where print, io.write and io.stdout go; nil: os.Stdout
	Stderr io.Writer // where io.stderr goes; nil: os.Stderr
	// MaxMemory, when above 0, stops a run whose process heap passes this
	// many bytes (the error wraps ErrInterrupted and ErrMemoryLimit).
	MaxMemory int64
	// HardStop, if set, is called when a run does not end within
	// StopGrace of being stopped (by its context or the memory limit), as
	// when a long Go built-in runs, which nothing in the process can
	// interrupt: it must end the process, so set it only in a process
	// that runs one script for a supervisor (see the run command). The
	// error wraps ErrInterrupted and the reason, as Run's would. Nil: the
	// run ends when the built-in returns.
	HardStop func(error)
	// Sandbox disables what reaches outside the API: running programs,
	// loading code from files, writing files, ending the process (see
	// policy). Reading files works as without it.
	Sandbox bool
	// Globals are set in each fresh state after the modules are opened,
	// converted by stdlib.ToLua (so they must be values it converts):
	// watch mode sets `event` here.
	Globals map[string]any
	// Wrote, when set, is called with the path of each file a script is
	// about to write, create, rename or remove through the writers the
	// engine controls: io.open in a mode that writes, io.output with a
	// file name, os.rename (both paths), os.remove and csv.write. Watch
	// mode tells a run's own changes from others' with it.
	Wrote func(path string)
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
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
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
		defer watchMemory(ctx, cancel, e.opts.MaxMemory, e.opts.HardStop)()
	}
	if e.opts.HardStop != nil {
		done := make(chan struct{})
		defer close(done)
		go enforceStop(ctx, done, e.opts.HardStop)
	}
	L := e.NewState(ctx)
	defer L.Close()
	// A loop left with break leaves its listing open: stop what it may
	// still have in flight before the run returns.
	defer bindings.CloseIterators(L)
	return e.Exec(ctx, L, script, args)
}

// Options returns the options the engine runs with, defaults filled in.
func (e *Engine) Options() Options { return e.opts }

// NewState returns a fresh Lua state bound to ctx, with every module open
// under the engine's policy (see policy). The caller closes it. Run uses
// it; the REPL keeps one for a session.
func (e *Engine) NewState(ctx context.Context) *lua.LState {
	L := lua.NewState(lua.Options{CallStackSize: 200, MinimizeStackMemory: true, SkipOpenLibs: true})
	L.SetContext(ctx)
	maxString := int64(DefaultMaxString)
	if e.opts.MaxMemory > 0 {
		maxString = e.opts.MaxMemory
	}
	openLibs(L, policy{sandbox: e.opts.Sandbox, stdout: e.opts.Stdout, stderr: e.opts.Stderr, maxString: maxString, wrote: e.opts.Wrote})
	stdlib.Open(L, stdlib.Options{Logger: e.opts.Logger, Sandbox: e.opts.Sandbox, Wrote: e.opts.Wrote})
	// The bindings reach only the API: they need no policy.
	bindings.Open(L, e.opts.Options)
	for name, v := range e.opts.Globals {
		L.SetGlobal(name, stdlib.ToLua(L, v))
	}
	return L
}

// Exec compiles and runs script in L with args as `arg` and as the
// chunk's `...`.
func (e *Engine) Exec(ctx context.Context, L *lua.LState, script Script, args []string) error {
	fn, err := L.Load(strings.NewReader(prepareSource(script.Source)), script.Name)
	if err != nil {
		return CompileError(script.Name, err)
	}
	SetArgs(L, script.Name, args)
	L.Push(fn)
	for _, a := range args {
		L.Push(lua.LString(a))
	}
	err = L.PCall(len(args), 0, nil)
	// os.exit ends the run, even from a last statement's tail call.
	var exit *ExitError
	if errors.As(context.Cause(L.Context()), &exit) {
		return exit
	}
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%w: %w", ErrInterrupted, context.Cause(ctx))
		}
		return CallError(L, script.Name, err)
	}
	return nil
}

// SetArgs sets the global `arg` as the standalone lua interpreter does:
// arg[0] is the script's name, arg[1..n] its arguments, arg[-1] the
// program.
func SetArgs(L *lua.LState, name string, args []string) {
	t := L.CreateTable(len(args), 2)
	t.RawSetInt(-1, lua.LString("clickscript"))
	t.RawSetInt(0, lua.LString(name))
	for i, a := range args {
		t.RawSetInt(i+1, lua.LString(a))
	}
	L.SetGlobal("arg", t)
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
