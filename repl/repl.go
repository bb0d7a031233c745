// Package repl is clickscript's interactive Lua prompt: a Session reads
// statements and expressions and runs them in one Lua state of an engine,
// printing values for people (Printer: aligned record tables, cut lists),
// completing names (Complete) and documenting the Lua API (:help). The
// terminal's line editor stays outside: it is a LineReader.
package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/bindings"
	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/engine"
	"github.com/clickscript/clickscript/internal/printable"
)

// The REPL's prompts: a fresh statement, and the next line of one that is
// not complete yet.
const (
	Prompt             = "> "
	ContinuationPrompt = ">> "
)

// replChunk names the REPL's statements in messages: "stdin:1: ...".
const replChunk = "stdin"

// ErrLastStatementFailed is what Session.Run returns when the last statement
// of its input failed. The failure has been printed already.
var ErrLastStatementFailed = errors.New("the last statement failed")

// ErrLineCancelled is what a LineReader returns when the user cancels the
// line being typed (Ctrl-C at the prompt): the REPL drops it, and any
// unfinished statement, and prompts again.
var ErrLineCancelled = errors.New("line cancelled")

// LineReader reads what the user types, for Session.RunInteractive: the
// command line implements it with a line editor (history, completion).
type LineReader interface {
	// ReadLine shows prompt and returns the line typed, without its
	// newline. It returns io.EOF when the user ends the session (Ctrl-D)
	// and ErrLineCancelled when they cancel the line (Ctrl-C).
	ReadLine(prompt string) (string, error)
}

// Options configures a Session.
type Options struct {
	Rows    int           // rows of a list (and entries of a table) shown; 0: DefaultRows
	Width   int           // a record table wider than this leaves columns out; 0: DefaultWidth
	Timeout time.Duration // stops each statement after this long; 0: no limit
	Stderr  io.Writer     // where errors go; nil: the out of Run
	Color   bool          // ANSI colours: red errors, bold table headers
	Mode    Mode          // how values are shown (ModeTable on a terminal); :table comes back to it
}

// Session reads Lua statements and expressions and runs them in one Lua state,
// so that globals persist from one line to the next (locals do not: each
// statement is a chunk, as in the standalone lua). An expression prints its
// value, pretty-printed (see Printer); an incomplete statement (an open
// block, function, table or long string) waits for more lines. Errors are
// printed and the session goes on. Each statement runs under a context that
// Interrupt cancels, which stops it and its requests.
//
// A Session has two front ends: Run reads statements from any reader, with
// no prompts (for pipes, scripts and tests); RunInteractive reads them from
// a LineReader with prompts. A Session is for one goroutine, except for
// Interrupt and Complete, which another goroutine may call while it runs.
// Close it when done.
type Session struct {
	e       *engine.Engine
	opts    Options
	printer Printer
	L       *lua.LState

	// busy is held while a statement runs: Complete, called by the line
	// editor's goroutine, reads the state only when it is idle.
	busy sync.Mutex

	mu      sync.Mutex
	epoch   context.Context // the statements' context, until Interrupt cancels it
	cancel  context.CancelFunc
	running bool // a statement is running: Interrupt cancels it

	pending []string          // lines of an unfinished statement
	failed  bool              // the last statement failed
	exit    *engine.ExitError // a statement called os.exit: the session ends
}

// New returns a Session with a fresh Lua state of e (see
// engine.Engine.NewState), `arg` set to an empty argument list.
func New(e *engine.Engine, opts Options) *Session {
	L := e.NewState(context.Background())
	L.RemoveContext()
	engine.SetArgs(L, replChunk, nil)
	return &Session{
		e: e, opts: opts, L: L,
		printer: Printer{Rows: opts.Rows, Width: opts.Width, Color: opts.Color, Mode: opts.Mode},
	}
}

// View returns how the session shows values: the width and the mode
// (which :table, :wide and :json change).
func (r *Session) View() View { return r.printer.View() }

// SetView sets how the session shows values from the next statement on:
// the width the terminal has now (0 keeps the current one), and the mode.
// Call it between statements, from the goroutine that runs the session.
func (r *Session) SetView(v View) { r.printer = r.printer.WithView(v) }

// Close ends the session: it stops what is still in flight and closes the
// Lua state.
func (r *Session) Close() {
	r.mu.Lock()
	if r.cancel != nil {
		r.cancel()
	}
	r.mu.Unlock()
	r.L.Close()
}

// Interrupt stops the running statement and its requests, as Ctrl-C does;
// iterators that were started before it stop too. It reports whether it
// stopped one: false when none is running or the running one is stopping
// already. It is safe to call from any goroutine (a signal handler's).
func (r *Session) Interrupt() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.running || r.epoch.Err() != nil {
		return false
	}
	r.cancel()
	return true
}

// Complete returns the completions of the word before rune offset pos of
// line (see the function Complete), or none while a statement runs.
func (r *Session) Complete(line string, pos int) (candidates []string, prefix string) {
	if !r.busy.TryLock() {
		return nil, ""
	}
	defer r.busy.Unlock()
	return Complete(r.L, line, pos)
}

// Run reads statements from in until its end, without prompts, writing
// values to out and errors to Options.Stderr (or out). Statements may span
// lines, as at the prompt. It returns nil at the end of in,
// ErrLastStatementFailed when the last statement failed (already printed),
// the context's error when ctx ends, or an error reading in.
func (r *Session) Run(ctx context.Context, in io.Reader, out io.Writer) error {
	defer r.endEpoch()
	lines, stop := ReadLines(in)
	defer stop()
	errw := r.errWriter(out)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case rd := <-lines:
			if rd.Err != nil {
				if !errors.Is(rd.Err, io.EOF) {
					return fmt.Errorf("read input: %w", rd.Err)
				}
				return r.Finish(out)
			}
			if r.handle(ctx, rd.Line, out, errw) {
				return r.result()
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
}

// RunInteractive reads statements from lr with prompts (Prompt, and
// ContinuationPrompt for the further lines of a statement) until the user
// ends the session with Ctrl-D or :quit, and returns nil then, or the
// context's error when ctx ends, or lr's error.
func (r *Session) RunInteractive(ctx context.Context, lr LineReader, out io.Writer) error {
	defer r.endEpoch()
	errw := r.errWriter(out)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		prompt := Prompt
		if len(r.pending) > 0 {
			prompt = ContinuationPrompt
		}
		line, err := lr.ReadLine(prompt)
		switch {
		case errors.Is(err, ErrLineCancelled):
			r.pending = nil
			continue
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		if r.handle(ctx, line, out, errw) {
			if r.exit != nil {
				return r.exit
			}
			return nil
		}
	}
}

// Line runs one line of input as Run and RunInteractive do: a statement,
// a further line of an unfinished one, or a REPL command. Values go to
// out, errors to Options.Stderr (or out). It reports whether the session
// ends (:quit, or os.exit: see Result). It is the step of a front end of
// its own, such as a worker process that takes lines from a supervisor.
func (r *Session) Line(ctx context.Context, line string, out io.Writer) (quit bool) {
	return r.handle(ctx, line, out, r.errWriter(out))
}

// Pending reports whether the lines so far are an unfinished statement:
// the next prompt is ContinuationPrompt.
func (r *Session) Pending() bool { return len(r.pending) > 0 }

// DropPending drops an unfinished statement, as Ctrl-C at the prompt does.
func (r *Session) DropPending() { r.pending = nil }

// Finish ends the input as the end of Run's does: an unfinished statement
// is an error, printed. It returns Result.
func (r *Session) Finish(out io.Writer) error {
	if len(r.pending) > 0 {
		_, _, err := r.compile(strings.Join(r.pending, "\n"), true)
		r.pending = nil
		r.fail(r.errWriter(out), err.Error())
	}
	return r.result()
}

// Result is how the session stands: an *engine.ExitError after os.exit,
// ErrLastStatementFailed when the last statement failed, else nil.
func (r *Session) Result() error { return r.result() }

// MarkFailed records that the last statement failed outside the session
// (a supervisor stopped the process it ran in), for Result.
func (r *Session) MarkFailed() { r.failed = true }

func (r *Session) errWriter(out io.Writer) io.Writer {
	if r.opts.Stderr != nil {
		return r.opts.Stderr
	}
	return out
}

// result is what Run returns at the end of its input.
func (r *Session) result() error {
	if r.exit != nil {
		return r.exit
	}
	if r.failed {
		return ErrLastStatementFailed
	}
	return nil
}

// handle runs one line of input; it reports whether the session ends.
func (r *Session) handle(ctx context.Context, line string, out, errw io.Writer) (quit bool) {
	if len(r.pending) == 0 {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			return false
		}
		if strings.HasPrefix(trimmed, ":") {
			return r.command(trimmed, out, errw)
		}
	}
	r.pending = append(r.pending, line)
	fn, incomplete, err := r.compile(strings.Join(r.pending, "\n"), false)
	if incomplete {
		return false
	}
	r.pending = nil
	if err != nil {
		r.fail(errw, err.Error())
		return false
	}
	r.exec(ctx, fn, out, errw)
	return r.exit != nil
}

// command runs a REPL command (":help", ":quit").
func (r *Session) command(line string, out, errw io.Writer) (quit bool) {
	cmd, arg, _ := strings.Cut(line, " ")
	switch cmd {
	case ":q", ":quit", ":exit":
		return true
	case ":table", ":wide", ":json":
		if strings.TrimSpace(arg) != "" {
			r.fail(errw, fmt.Sprintf("%s takes no argument", cmd))
			return false
		}
		r.setMode(cmd)
		r.failed = false
	case ":h", ":help":
		text, err := helpText(strings.TrimSpace(arg), r.printer.Mode)
		if err != nil {
			r.fail(errw, err.Error())
			return false
		}
		io.WriteString(out, text)
		r.failed = false
	default:
		r.fail(errw, fmt.Sprintf("unknown command %s: the commands are :help [NAME], :table, :wide, :json and :quit", cmd))
	}
	return false
}

// compile compiles src as an expression to print ("return " .. src), as
// glua does, else as a statement. It reports incomplete input (an open
// block, function, table, expression or long string: gopher-lua's "at EOF"
// errors) unless final is set, when that is an error too.
func (r *Session) compile(src string, final bool) (fn *lua.LFunction, incomplete bool, err error) {
	expr, exprOnly := strings.CutPrefix(src, "=") // Lua 5.1's "=expr"
	fn, exprErr := r.L.Load(strings.NewReader("return "+expr), replChunk)
	if exprErr == nil {
		return fn, false, nil
	}
	stmtErr := exprErr
	if !exprOnly {
		if fn, stmtErr = r.L.Load(strings.NewReader(src), replChunk); stmtErr == nil {
			return fn, false, nil
		}
	}
	if !final && (atEOF(stmtErr, src) || atEOF(exprErr, src)) {
		return nil, true, nil
	}
	return nil, false, engine.CompileError(replChunk, stmtErr)
}

// atEOF reports whether err, a compile error of src, says that the input
// ended too early. An unterminated quoted string counts only after a
// backslash, the one way such a string goes on to the next line.
func atEOF(err error, src string) bool {
	var ae *lua.ApiError
	msg := err.Error()
	if errors.As(err, &ae) {
		msg = ae.Object.String()
	}
	if !strings.Contains(msg, " at EOF:") {
		return false
	}
	if strings.Contains(msg, "unterminated string") {
		return strings.HasSuffix(src, "\\")
	}
	return true
}

// begin starts a statement: it returns the context to run it under, and
// the function that ends it. The context is the current epoch's, which
// lasts until Interrupt (so an iterator started by one statement can be
// stepped by the next), with the per-statement timeout if one is set.
func (r *Session) begin(parent context.Context) (context.Context, func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.epoch == nil || r.epoch.Err() != nil {
		r.epoch, r.cancel = context.WithCancel(parent)
	}
	ctx, stop := r.epoch, func() {}
	if r.opts.Timeout > 0 {
		ctx, stop = context.WithTimeout(ctx, r.opts.Timeout)
	}
	r.running = true
	return ctx, func() {
		stop()
		r.mu.Lock()
		r.running = false
		r.mu.Unlock()
	}
}

// endEpoch cancels the statements' context at the end of a session.
func (r *Session) endEpoch() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cancel != nil {
		r.cancel()
	}
	r.epoch, r.cancel = nil, nil
}

// exec runs a compiled statement and prints its values.
func (r *Session) exec(ctx context.Context, fn *lua.LFunction, out, errw io.Writer) {
	r.busy.Lock()
	defer r.busy.Unlock()
	sctx, end := r.begin(ctx)
	defer end()
	L := r.L
	L.SetContext(sctx)
	defer L.RemoveContext()
	top := L.GetTop()
	defer L.SetTop(top)
	L.Push(fn)
	err := L.PCall(0, lua.MultRet, nil)
	// os.exit ends the session, with its code.
	if errors.As(context.Cause(L.Context()), &r.exit) {
		return
	}
	if err != nil {
		r.runFailed(sctx, errw, err)
		return
	}
	results := make([]lua.LValue, 0, L.GetTop()-top)
	for i := top + 1; i <= L.GetTop(); i++ {
		results = append(results, L.Get(i))
	}
	text, err := r.render(results)
	if err != nil {
		r.runFailed(sctx, errw, err)
		return
	}
	r.failed = false
	if text != "" {
		io.WriteString(out, r.redact(text)+"\n")
	}
}

// render formats the values of an expression, tab-separated when each
// fits on a line, one per line otherwise; list iterators are walked (their
// first rows, and a count of the rest), so it may send requests.
func (r *Session) render(vs []lua.LValue) (string, error) {
	parts := make([]string, len(vs))
	sep := "\t"
	for i, v := range vs {
		if bindings.IsIterator(v) {
			rows, more, err := r.walk(v)
			if err != nil {
				return "", err
			}
			parts[i] = r.printer.FormatList(r.L, rows, more)
		} else {
			parts[i] = r.printer.Format(r.L, v)
		}
		if strings.Contains(parts[i], "\n") {
			sep = "\n"
		}
	}
	return strings.Join(parts, sep), nil
}

// walk returns the first rows of the list iterator it and how many more
// there are (from it:count(); -1 if that fails), and closes it. Showing an
// iterator consumes it, as a for loop would.
func (r *Session) walk(it lua.LValue) (rows []lua.LValue, more int, err error) {
	L := r.L
	n := r.printer.rows()
	next := L.GetMetaField(it, "__call")
	defer func() {
		if closeFn, ok := L.GetField(it, "close").(*lua.LFunction); ok {
			L.CallByParam(lua.P{Fn: closeFn, NRet: 0, Protect: true}, it)
		}
	}()
	for len(rows) <= n {
		if err := L.CallByParam(lua.P{Fn: next, NRet: 1, Protect: true}, it); err != nil {
			return nil, 0, err
		}
		v := L.Get(-1)
		L.Pop(1)
		if v == lua.LNil {
			return rows, 0, nil
		}
		rows = append(rows, v)
	}
	rows, more = rows[:n], -1
	if count, ok := L.GetField(it, "count").(*lua.LFunction); ok {
		if err := L.CallByParam(lua.P{Fn: count, NRet: 1, Protect: true}, it); err == nil {
			if total, ok := L.Get(-1).(lua.LNumber); ok && int(total) > n {
				more = int(total) - n
			}
			L.Pop(1)
		} else if L.Context().Err() != nil {
			return nil, 0, err
		}
	}
	return rows, more, nil
}

// runFailed prints the failure of a running statement: "interrupted"
// after Ctrl-C, a timeout, or the script-style error message.
func (r *Session) runFailed(sctx context.Context, errw io.Writer, err error) {
	switch {
	case errors.Is(sctx.Err(), context.DeadlineExceeded):
		r.fail(errw, fmt.Sprintf("statement stopped: it ran longer than %v", r.opts.Timeout))
	case sctx.Err() != nil:
		r.fail(errw, "interrupted")
	default:
		r.fail(errw, engine.CallError(r.L, replChunk, err).Error())
	}
}

// fail prints msg as an error and records that the statement failed.
// Control characters other than newline and tab are shown escaped: the
// message may quote the agent, or a script's remote data.
func (r *Session) fail(errw io.Writer, msg string) {
	r.failed = true
	msg = printable.Message(r.redact(msg))
	if r.opts.Color {
		msg = "\x1b[31m" + msg + "\x1b[0m"
	}
	io.WriteString(errw, msg+"\n")
}

// redact scrubs the session's token and every secret its client knows
// (clickapi.Client.Redact) from text the REPL prints.
func (r *Session) redact(s string) string {
	if c := r.e.Options().Client; c != nil {
		return c.Redact(s)
	}
	return clickapi.Redact(s)
}

// helpTopics are the names :help knows: modules and their members.
func helpTopics() []string {
	var out []string
	for _, h := range bindings.API() {
		out = append(out, h.Module, h.Module+"."+h.Name)
	}
	return out
}

// helpText is the text of ":help topic": an overview of every module for
// "", a module's members in full, or one function in full ("usergroup.list",
// or "list" for every module's list).
func helpText(topic string, mode Mode) (string, error) {
	entries := bindings.API()
	var b strings.Builder
	if topic == "" {
		b.WriteString("Type a Lua expression to print its value, or a statement to run it; Tab completes names.\n" +
			"  :help NAME   a module or a function in full, e.g. :help usergroup.list\n")
		b.WriteString(viewHelp(mode))
		b.WriteString("  :quit        leave (or Ctrl-D); Ctrl-C stops a running statement\n")
		width := 0
		for _, h := range entries {
			width = max(width, len(h.Name))
		}
		module := ""
		for _, h := range entries {
			if h.Module != module {
				module = h.Module
				fmt.Fprintf(&b, "\n%s\n", module)
			}
			fmt.Fprintf(&b, "  %-*s  %s\n", width, h.Name, cut(firstSentence(h.Summary), 100))
		}
		return b.String(), nil
	}
	topic = strings.TrimSuffix(topic, "()")
	for _, match := range []func(h bindings.APIDoc) bool{
		func(h bindings.APIDoc) bool { return h.Module+"."+h.Name == topic },
		func(h bindings.APIDoc) bool { return h.Module == topic },
		func(h bindings.APIDoc) bool { return h.Name == topic },
	} {
		n := 0
		for _, h := range entries {
			if !match(h) {
				continue
			}
			if n > 0 {
				b.WriteByte('\n')
			}
			n++
			fmt.Fprintf(&b, "%s\n  %s\n", h.Signature, h.Summary)
			for _, p := range h.Params {
				if p.Doc != "" {
					fmt.Fprintf(&b, "  %s: %s\n", p.Name, p.Doc)
				}
			}
		}
		if n > 0 {
			return b.String(), nil
		}
	}
	return "", fmt.Errorf("no help for %q: :help lists the modules and their functions", topic)
}

// firstSentence cuts s after its first sentence.
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}
