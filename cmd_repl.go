package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/chzyer/readline"
	"github.com/spf13/pflag"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/engine"
	"github.com/clickscript/clickscript/internal/atomicfile"
	"github.com/clickscript/clickscript/repl"
)

func replCommand() *command {
	return &command{
		name:    "repl",
		args:    "[flags]",
		summary: "type Lua at a prompt: expressions print their value",
		example: "clickscript repl --emulator\n" +
			"> usergroup.members(usergroup.find(\"Design Team\"))\n" +
			"printf 'usergroup.list{}:count()\\n' | clickscript repl --emulator",
		setup: func(fs *pflag.FlagSet) func(context.Context, []string, streams) error {
			var cf connFlags
			var lf limitFlags
			var wf replWorkerFlags
			cf.register(fs)
			lf.register(fs)
			var auditPath string
			fs.StringVar(&auditPath, "audit", "", "append one JSON line per write call to this file (undo reads it)")
			var rows int
			fs.IntVar(&rows, "rows", repl.DefaultRows, "rows of a list shown before \"... and N more\"")
			fs.BoolVar(&wf.worker, "worker", false, "serve the Lua session of the REPL that started this process")
			fs.BoolVar(&wf.terminal, "worker-terminal", false, "the REPL is on a terminal: tables fit it")
			fs.BoolVar(&wf.color, "worker-color", false, "colour errors and table headers")
			fs.BoolVar(&wf.banner, "worker-banner", false, "greet with the token's user and the agent's state")
			fs.StringVar(&cf.emulatorURL, "emulator-url", "", "use the emulator the parent serves here")
			for _, name := range []string{"worker", "worker-terminal", "worker-color", "worker-banner", "emulator-url"} {
				fs.MarkHidden(name)
			}
			return func(ctx context.Context, args []string, s streams) error {
				if len(args) > 0 {
					return usagef("unexpected argument %q: the REPL reads its statements from stdin", args[0])
				}
				if err := cf.validate(); err != nil {
					return usagef("%v", err)
				}
				if rows < 1 {
					return usagef("--rows %d: want 1 or more", rows)
				}
				lim, err := lf.limits()
				if err != nil {
					return usagef("%v", err)
				}
				switch {
				case wf.worker:
					return runREPLWorker(ctx, cf, lim, auditPath, rows, wf, s)
				case s.exe != "":
					return superviseREPL(ctx, fs, cf, s)
				}
				// In this process, as tests that call run do.
				sess, err := cf.open(ctx, s)
				if err != nil {
					return err
				}
				files, err := (&bulkFlags{audit: auditPath}).open(s.secrets)
				if err != nil {
					return joinErrors(err, sess.close())
				}
				return joinErrors(runREPL(ctx, cf, lim, files, rows, sess, s), files.close(), sess.close())
			}
		},
	}
}

// superviseREPL runs the REPL with its Lua session in a worker process
// (see repl_worker.go): it keeps the terminal, or reads the piped
// statements, and the worker runs them. The flags of fs go to the worker
// as they are, but for --emulator: the emulator runs here, so that its
// data outlives a worker that is replaced.
func superviseREPL(ctx context.Context, fs *pflag.FlagSet, cf connFlags, s streams) error {
	args := append([]string{"repl", "--worker"}, flagArgs(fs, "emulator")...)
	var env []string
	if cf.emulator {
		url, token, stop, err := startEmulator()
		if err != nil {
			return fmt.Errorf("start emulator: %w", err)
		}
		defer stop()
		args = append(args, "--emulator-url="+url)
		env = append(env, emulatorTokenEnv+"="+token)
	}
	term := isTerminal(s.stdin)
	if term {
		args = append(args, "--worker-terminal")
		if os.Getenv("NO_COLOR") == "" && isTerminal(s.stdout) {
			args = append(args, "--worker-color")
		}
	}
	p, err := newReplSupervisor(s, args, env, cf.timeout)
	if err != nil {
		return err
	}
	hello, err := p.start(term)
	if err != nil {
		return joinErrors(err, p.ln.close())
	}

	var ed *lineEditor
	if term {
		p.width = func() int { return terminalWidth(s.stdout) }
		if ed, err = newLineEditor(p, s, s.secrets, nil); err != nil {
			return joinErrors(err, p.close())
		}
		ed.redact = p.Redact
		defer ed.close()
	}

	// As in runREPL: Ctrl-C stops the running statement, not the session.
	sessCtx, endSession := context.WithCancelCause(context.WithoutCancel(ctx))
	defer endSession(nil)
	stopSignals := handleSignals(ctx, p, term, ed, endSession)

	if term {
		fmt.Fprintf(s.stdout, "clickscript REPL on %s: :help for the Lua API, Ctrl-D to leave\n", hello.URL)
		if hello.Text != "" {
			fmt.Fprintln(s.stdout, hello.Text)
		}
		err = p.runInteractive(sessCtx, ed)
	} else {
		err = p.runPiped(sessCtx, s.stdin)
	}
	stopSignals()
	if errors.Is(context.Cause(sessCtx), errSignal) {
		err = errSignal
	}
	return joinErrors(err, p.close())
}

// runREPL runs the session: with a line editor when stdin is a terminal,
// else reading statements from stdin without prompts. It returns nil,
// repl.ErrLastStatementFailed when the last statement read from a pipe
// failed, or an error wrapping context.Canceled when a signal ended the
// session.
func runREPL(ctx context.Context, cf connFlags, lim limits, files *bulkFiles, rows int, sess *session, s streams) error {
	stdout := s.stdout // redacted by Main.Run
	eng := engine.New(sess.engineOptions(stdout, s.stderr, files, lim))
	term := isTerminal(s.stdin)
	opts := repl.Options{Rows: rows, Timeout: cf.timeout, Stderr: s.stderr}
	if term {
		opts.Color = os.Getenv("NO_COLOR") == "" && isTerminal(s.stdout)
		opts.Mode = repl.ModeTable
		opts.Width = terminalWidth(s.stdout)
	}
	session := repl.New(eng, opts)
	defer session.Close()

	var ed *lineEditor
	if term {
		var err error
		resized := func() {
			if w := terminalWidth(s.stdout); w > 0 {
				session.SetView(repl.View{Width: w, Mode: session.View().Mode})
			}
		}
		if ed, err = newLineEditor(session, s, s.secrets, resized); err != nil {
			return err
		}
		defer ed.close()
	}

	// Ctrl-C stops the running statement, not the session: main's signal
	// context is cancelled by SIGINT too, so the session runs detached
	// from it and takes the signals itself.
	sessCtx, endSession := context.WithCancelCause(context.WithoutCancel(ctx))
	defer endSession(nil)
	stopSignals := handleSignals(ctx, session, term, ed, endSession)

	var err error
	if term {
		fmt.Fprintf(stdout, "clickscript REPL on %s: :help for the Lua API, Ctrl-D to leave\n", clickapi.Redact(sess.client.BaseURL()))
		if line := replBanner(ctx, sess); line != "" {
			fmt.Fprintln(stdout, line)
		}
		err = session.RunInteractive(sessCtx, ed, stdout)
	} else {
		err = session.Run(sessCtx, s.stdin, stdout)
	}
	stopSignals()
	if errors.Is(context.Cause(sessCtx), errSignal) {
		return errSignal
	}
	return err
}

// handleSignals takes the signals during a REPL session: SIGINT stops the
// running statement; SIGTERM, and SIGINT while stdin is a pipe and nothing
// runs, end the session (endSession with errSignal), as does a caller's
// cancellation of ctx. The returned function stops handling them.
func handleSignals(ctx context.Context, session interrupter, term bool, ed *lineEditor, endSession context.CancelCauseFunc) (stop func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		parentDone := ctx.Done()
		for {
			select {
			case <-done:
				return
			case sig := <-sigs:
				if sig == os.Interrupt && (session.Interrupt() || term) {
					continue
				}
				endSession(errSignal)
			case <-parentDone:
				// A cancellation by a signal carries the signal as its
				// cause, and the signal reached sigs too; any other
				// cancellation (a caller's) ends the session.
				parentDone = nil
				c := context.Cause(ctx)
				if c != context.Canceled && c != context.DeadlineExceeded {
					continue
				}
				endSession(c)
			}
			if ed != nil {
				ed.stopReading()
			}
			return
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		signal.Stop(sigs)
	}
}

// interrupter stops a REPL's running statement (see repl.Session.Interrupt).
type interrupter interface{ Interrupt() bool }

// bannerTimeout bounds the two small requests of the REPL's greeting, so
// that an agent that does not answer does not hold the prompt back.
const bannerTimeout = 5 * time.Second

// replBanner is the REPL's second greeting line: who the token belongs to
// and the agent's state (GET /authentication/user and agent_status, as
// whoami asks them). It is "" for a replayed session, whose cassette holds
// only the script's requests.
func replBanner(ctx context.Context, sess *session) string {
	if sess.replayer != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, bannerTimeout)
	defer cancel()
	si, _ := sess.client.Session(ctx)
	return si.Banner()
}

// errSignal is the cause of a session ended by a signal: an interruption.
var errSignal = fmt.Errorf("session ended by a signal: %w", context.Canceled)

// isTerminal reports whether f is an *os.File on a terminal, or a
// redacting writer on one.
func isTerminal(f any) bool {
	if w, ok := f.(io.Writer); ok {
		f = rawWriter(w)
	}
	file, ok := f.(*os.File)
	return ok && readline.IsTerminal(int(file.Fd()))
}

// historyLimit is how many lines the REPL history keeps.
const historyLimit = 1000

// lineEditor reads the REPL's lines with readline: editing, history kept
// across sessions (with the token scrubbed), reverse search (Ctrl-R) and
// tab completion.
type lineEditor struct {
	rl       *readline.Instance
	hist     *history
	secrets  *clickapi.Secrets
	stopOnce sync.Once
	// resized, when set, is called with each line read, before it runs:
	// it gives the session the terminal's width now.
	resized func()
	// redact, when set, scrubs a line for the history instead of
	// secrets.Redact (the REPL's worker knows the session's secrets).
	redact func(string) string
}

// newLineEditor returns the line editor of a session that completes
// words; resized is lineEditor.resized.
func newLineEditor(session completerSource, s streams, secrets *clickapi.Secrets, resized func()) (*lineEditor, error) {
	cfg := &readline.Config{
		Prompt:                 repl.Prompt,
		HistoryLimit:           historyLimit,
		DisableAutoSaveHistory: true, // lines are saved by ReadLine, scrubbed
		HistorySearchFold:      true,
		AutoComplete:           completer{session},
		// What the user types is echoed raw: holding back a key that
		// could start a secret would hide it. History is redacted.
		Stdout: rawWriter(s.stdout),
		Stderr: rawWriter(s.stderr),
	}
	if f, ok := s.stdin.(*os.File); ok && f != os.Stdin {
		cfg.Stdin = readline.NewCancelableStdin(f)
	}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		return nil, fmt.Errorf("line editor: %w", err)
	}
	ed := &lineEditor{rl: rl, secrets: secrets, resized: resized}
	// Without a state directory the session simply keeps no history.
	if dir, err := stateDir(); err == nil {
		h, lines, err := openHistory(filepath.Join(dir, "history"), historyLimit)
		if err != nil {
			fmt.Fprintf(s.stderr, "clickscript repl: history: %v\n", err)
		} else {
			ed.hist = h
			for _, l := range lines {
				rl.SaveHistory(l)
			}
		}
	}
	return ed, nil
}

// ReadLine implements repl.LineReader. Each non-blank line goes to the
// history, the session's secrets (its token, API tokens it minted)
// redacted from it first.
func (ed *lineEditor) ReadLine(prompt string) (string, error) {
	ed.rl.SetPrompt(prompt)
	line, err := ed.rl.Readline()
	if errors.Is(err, readline.ErrInterrupt) {
		return "", repl.ErrLineCancelled
	}
	if err != nil {
		return "", err
	}
	if ed.resized != nil {
		ed.resized()
	}
	if strings.TrimSpace(line) != "" {
		safe := ed.secrets.Redact(line)
		if ed.redact != nil {
			safe = ed.redact(line)
		}
		ed.rl.SaveHistory(safe)
		if ed.hist != nil {
			ed.hist.add(safe)
		}
	}
	return line, nil
}

// stopReading ends the line editor: a pending ReadLine returns.
func (ed *lineEditor) stopReading() {
	ed.stopOnce.Do(func() { ed.rl.Close() })
}

func (ed *lineEditor) close() {
	ed.stopReading()
	if ed.hist != nil {
		ed.hist.close()
	}
}

// completerSource completes words (see repl.Session.Complete).
type completerSource interface {
	Complete(line string, pos int) (candidates []string, prefix string)
}

// completer adapts repl.Session.Complete (or the worker's, through the
// supervisor) to readline.
type completer struct{ session completerSource }

// Do returns the rest of each candidate after what is typed, and the
// length of what is typed, as readline wants.
func (c completer) Do(line []rune, pos int) ([][]rune, int) {
	cands, prefix := c.session.Complete(string(line), pos)
	out := make([][]rune, len(cands))
	for i, cand := range cands {
		out[i] = []rune(strings.TrimPrefix(cand, prefix))
	}
	return out, len([]rune(prefix))
}

// history is the REPL's history file: one line per entry, appended as the
// user types, readable by the user only.
type history struct {
	f *os.File
}

// openHistory opens (creating it and its directory) the history file at
// path and returns its last limit lines. A file grown past twice the limit
// is rewritten with only those.
func openHistory(path string, limit int) (*history, []string, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, err
	}
	var lines []string
	total := 0
	if f, err := os.Open(path); err == nil {
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			total++
			if l := sc.Text(); strings.TrimSpace(l) != "" {
				lines = append(lines, l)
			}
		}
		f.Close()
	}
	if len(lines) > limit {
		lines = lines[len(lines)-limit:]
	}
	if total > 2*limit {
		if err := rewriteHistory(path, lines); err != nil {
			return nil, nil, err
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, err
	}
	// An older file may have been created with looser permissions.
	if err := f.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		f.Close()
		return nil, nil, err
	}
	return &history{f: f}, lines, nil
}

// rewriteHistory replaces the file at path with lines, atomically,
// readable by the user only.
func rewriteHistory(path string, lines []string) error {
	return atomicfile.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
}

// add appends line, which must already be scrubbed of the token. A
// failure to write loses history, not the session: it is ignored.
func (h *history) add(line string) {
	io.WriteString(h.f, line+"\n")
}

func (h *history) close() { h.f.Close() }
