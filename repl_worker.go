package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/engine"
	"github.com/clickscript/clickscript/repl"
)

// The REPL's Lua session runs in a worker process: the same program,
// re-run as `clickscript repl --worker ...`. The parent keeps the terminal
// (line editor, history, completion's display) and sends the worker each
// line; the worker runs it in its Lua state and answers with what it
// printed and where the session stands. Nothing a Lua line does in the
// worker takes the REPL down:
//
//   - Ctrl-C asks the worker to stop the statement; when it has not
//     answered replGrace later (a long Go built-in, which nothing in its
//     process can interrupt), the parent kills it;
//   - a statement still running replGrace past --timeout is killed too;
//   - a worker whose heap passes --max-memory says so and ends itself;
//   - a worker that ends (killed, over --max-memory, crashed) is replaced
//     by a fresh one, and the REPL says that the Lua session was reset:
//     its globals are gone.
//
// The protocol is JSON values both ways (workerRequest, workerReply) on a
// loopback TCP connection the worker opens to the parent, which works on
// every system and leaves the worker's standard streams to Lua (its
// io.stdin and io.stdout are gopher-lua's, made from the process's
// streams): the worker's stdin is empty, its stdout and stderr are the
// parent's. The parent listens on 127.0.0.1 and accepts only a worker
// that first sends the key it was given in its environment. Lua's print
// and the REPL's values and errors travel in replies, so that they come
// in order with the end of their statement.

// replGrace is how long a stopped statement may take to end before the
// parent kills its worker.
const replGrace = time.Second

// wireText is text that crosses the worker connection byte for byte:
// Lua strings and terminal input need not be UTF-8, which a JSON string
// would not keep, so it travels as base64. (JSON rather than gob: gob's
// package initialisation costs every start of the program, run included,
// about 0.4ms.)
type wireText string

// MarshalJSON encodes t as base64.
func (t wireText) MarshalJSON() ([]byte, error) { return json.Marshal([]byte(t)) }

// UnmarshalJSON decodes what MarshalJSON encoded.
func (t *wireText) UnmarshalJSON(b []byte) error {
	var raw []byte
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*t = wireText(raw)
	return nil
}

// workerRequest is a message from the REPL to its worker.
type workerRequest struct {
	Op    string   // one of the req* constants
	Line  wireText // reqLine, reqComplete
	Pos   int      // reqComplete: rune offset of the cursor in Line
	Width int      // reqLine: the width tables fit in (the terminal's); 0: unchanged
}

const (
	reqLine      = "line"      // run a line of input; answered with repDone
	reqCancel    = "cancel"    // drop an unfinished statement (Ctrl-C at the prompt); repDone
	reqFailed    = "failed"    // the last statement failed (in a worker since replaced); repDone
	reqEnd       = "end"       // the input ended (an unfinished statement is an error); repDone, then the worker ends
	reqInterrupt = "interrupt" // stop the running statement; no answer of its own
	reqComplete  = "complete"  // the completions of Line at Pos; repComplete
	reqRedact    = "redact"    // Line with the session's secrets redacted (for the history); repRedacted
)

// workerReply is a message from the worker to the REPL.
type workerReply struct {
	Op         string   // one of the rep* constants
	Text       wireText // repOut, repErr, repBye, repRedacted; repHello: the banner ("" for none)
	URL        string   // repHello: the agent's URL, redacted
	Pending    bool     // repDone: an unfinished statement waits for more lines
	Quit       bool     // repDone: the session ends (:quit, os.exit, the end of input)
	Failed     bool     // repDone: the last statement failed
	Exit       int      // repDone: the code os.exit was called with; -1: none
	Candidates []string // repComplete
	Prefix     string   // repComplete
}

const (
	repHello    = "hello"    // the worker is ready
	repOut      = "out"      // Text goes to stdout
	repErr      = "err"      // Text goes to stderr
	repDone     = "done"     // a request is done
	repComplete = "complete" // completions
	repRedacted = "redacted" // a line redacted
	repBye      = "bye"      // the worker ends itself; Text says why
)

// replWorkerFlags are the hidden flags of the REPL's worker process.
type replWorkerFlags struct {
	worker   bool // this is the worker
	terminal bool // the REPL is on a terminal: tables fit its width
	color    bool // colour errors and table headers
	banner   bool // greet with the token's user and the agent's state
}

// replyWriter sends replies, one at a time, from any goroutine.
type replyWriter struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func (w *replyWriter) send(r workerReply) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.enc.Encode(r)
}

// frameWriter is a writer whose writes travel as replies of kind op.
type frameWriter struct {
	w  *replyWriter
	op string
}

func (f frameWriter) Write(p []byte) (int, error) {
	if err := f.w.send(workerReply{Op: f.op, Text: wireText(p)}); err != nil {
		return 0, err
	}
	return len(p), nil
}

// runREPLWorker is the worker's side: it serves the requests of the REPL
// that started it (see dialREPL) until reqEnd or the REPL's end.
// auditPath is --audit ("": none).
func runREPLWorker(ctx context.Context, cf connFlags, lim limits, auditPath string, rows int, wf replWorkerFlags, s streams) error {
	// Ctrl-C and SIGTERM are the parent's to act on: they reach this
	// process too (one process group), and must not end the session.
	ctx = context.WithoutCancel(ctx)
	conn, err := dialREPL()
	if err != nil {
		return err
	}
	defer conn.Close()
	proto := &replyWriter{enc: json.NewEncoder(conn)}

	sess, err := cf.open(ctx, s)
	if err != nil {
		return err
	}
	files, err := (&bulkFlags{audit: auditPath}).open(s.secrets)
	if err != nil {
		return joinErrors(err, sess.close())
	}
	// What the session prints is redacted here, where its secrets are
	// known (the REPL passes it on as it comes).
	out := clickapi.NewWriter(frameWriter{proto, repOut}, s.secrets)
	errw := clickapi.NewWriter(frameWriter{proto, repErr}, s.secrets)
	eng := engine.New(sess.engineOptions(out, s.stderr, files, lim))
	opts := repl.Options{Rows: rows, Timeout: cf.timeout, Stderr: errw, Color: wf.color}
	if wf.terminal {
		opts.Mode = repl.ModeTable
	}
	session := repl.New(eng, opts)
	defer session.Close()
	if lim.maxMemory > 0 {
		defer watchWorkerMemory(lim.maxMemory, proto)()
	}

	hello := workerReply{Op: repHello, URL: clickapi.Redact(sess.client.BaseURL())}
	if wf.banner {
		hello.Text = wireText(replBanner(ctx, sess))
	}
	if err := proto.send(hello); err != nil {
		return joinErrors(files.close(), sess.close())
	}

	reqs := make(chan workerRequest)
	var ending atomic.Bool // the session ended: what is left is to close it
	go func() {
		defer close(reqs)
		dec := json.NewDecoder(conn)
		for {
			var r workerRequest
			if err := dec.Decode(&r); err != nil {
				if ending.Load() {
					return // the session ended: the REPL hung up
				}
				// The REPL is gone: stop, even inside a long built-in.
				session.Interrupt()
				time.AfterFunc(engine.StopGrace, func() { os.Exit(exitInterrupted) })
				return
			}
			switch r.Op {
			case reqInterrupt:
				session.Interrupt()
			case reqComplete:
				cands, prefix := session.Complete(string(r.Line), r.Pos)
				proto.send(workerReply{Op: repComplete, Candidates: cands, Prefix: prefix})
			case reqRedact:
				proto.send(workerReply{Op: repRedacted, Text: wireText(s.secrets.Redact(string(r.Line)))})
			default:
				reqs <- r
				if r.Op == reqEnd {
					return
				}
			}
		}
	}()

	for r := range reqs {
		quit := false
		switch r.Op {
		case reqLine:
			if r.Width > 0 {
				session.SetView(repl.View{Width: r.Width, Mode: session.View().Mode})
			}
			quit = session.Line(ctx, string(r.Line), out)
		case reqCancel:
			session.DropPending()
		case reqFailed:
			session.MarkFailed()
		case reqEnd:
			session.Finish(out)
			quit = true
		}
		out.Flush()
		errw.Flush()
		done := workerReply{Op: repDone, Pending: session.Pending(), Quit: quit, Exit: -1}
		var exit *engine.ExitError
		switch err := session.Result(); {
		case errors.As(err, &exit):
			done.Exit = exit.Code
		case err != nil:
			done.Failed = true
		}
		if quit {
			ending.Store(true)
		}
		if proto.send(done) != nil || quit {
			break
		}
	}
	return joinErrors(files.close(), sess.close())
}

// watchWorkerMemory ends the worker when its heap passes limit bytes,
// after telling the REPL why (see engine.WatchHeap). It returns a function
// that stops watching.
func watchWorkerMemory(limit int64, proto *replyWriter) (stop func()) {
	return engine.WatchHeap(limit, func(used int64) bool {
		if used <= limit {
			return false
		}
		said := make(chan struct{})
		go func() {
			proto.send(workerReply{Op: repBye, Text: wireText(fmt.Sprintf("the statement passed --max-memory (%s in use, limit %s)",
				engine.FormatBytes(used), engine.FormatBytes(limit)))})
			close(said)
		}()
		// The reason is a courtesy: the end is not.
		select {
		case <-said:
		case <-time.After(200 * time.Millisecond):
		}
		os.Exit(exitError)
		return true
	})
}

// replWorker is one worker process, as the REPL sees it.
type replWorker struct {
	cmd     *exec.Cmd
	conn    net.Conn
	enc     *json.Encoder
	replies chan workerReply // hello, done and complete replies; closed once the process has ended
	ended   chan struct{}    // closed once the process has ended
	exitErr error            // the process's end, set before ended closes
	bye     string           // why the worker ended itself, set before ended closes
}

// The worker finds the REPL at the address in replAddrEnv and proves it
// is the REPL's own with the key in replKeyEnv.
const (
	replAddrEnv = "CLICKSCRIPT_REPL_ADDR"
	replKeyEnv  = "CLICKSCRIPT_REPL_KEY"
)

// dialREPL opens the worker's connection to its REPL.
func dialREPL() (net.Conn, error) {
	addr, key := os.Getenv(replAddrEnv), os.Getenv(replKeyEnv)
	if addr == "" || key == "" {
		return nil, errors.New("--worker serves a REPL that starts it: run clickscript repl")
	}
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, fmt.Errorf("reach the REPL: %w", err)
	}
	if _, err := fmt.Fprintf(conn, "%s %d\n", key, os.Getpid()); err != nil {
		conn.Close()
		return nil, fmt.Errorf("reach the REPL: %w", err)
	}
	return conn, nil
}

// replListener is where the REPL's workers connect: loopback only, and a
// connection counts only after it sent the key and its process id.
type replListener struct {
	ln    net.Listener
	key   string
	conns chan workerConn
}

// workerConn is a worker's connection, and the worker's process id.
type workerConn struct {
	conn net.Conn
	pid  int
}

// listenREPL listens for workers until its listener is closed.
func listenREPL() (*replListener, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the REPL's Lua process: %w", err)
	}
	b := make([]byte, 32)
	rand.Read(b)
	l := &replListener{ln: ln, key: hex.EncodeToString(b), conns: make(chan workerConn)}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go l.admit(conn)
		}
	}()
	return l, nil
}

// admit passes on conn when it starts with the key and a process id, and
// closes it otherwise, or when nobody takes it.
func (l *replListener) admit(conn net.Conn) {
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := readGreeting(conn)
	conn.SetReadDeadline(time.Time{})
	key, pidText, _ := strings.Cut(line, " ")
	pid, perr := strconv.Atoi(pidText)
	if err != nil || perr != nil || subtle.ConstantTimeCompare([]byte(key), []byte(l.key)) != 1 {
		conn.Close()
		return
	}
	select {
	case l.conns <- workerConn{conn, pid}:
	case <-time.After(10 * time.Second):
		conn.Close()
	}
}

// readGreeting reads a worker's first line, byte by byte: what follows
// it is the protocol's, and must stay unread.
func readGreeting(r io.Reader) (string, error) {
	var line []byte
	b := make([]byte, 1)
	for len(line) < 256 {
		if _, err := io.ReadFull(r, b); err != nil {
			return "", err
		}
		if b[0] == '\n' {
			return string(line), nil
		}
		line = append(line, b[0])
	}
	return "", errors.New("greeting too long")
}

// close stops listening.
func (l *replListener) close() error { return l.ln.Close() }

// env is what a worker needs in its environment to connect.
func (l *replListener) env() []string {
	return []string{replAddrEnv + "=" + l.ln.Addr().String(), replKeyEnv + "=" + l.key}
}

// startReplWorker starts `s.exe args...` with env added to its
// environment, and waits for it to connect to l. Its output replies go
// to s.stdout and s.stderr. A worker that ends before it connects has
// said why on stderr: the error is a *childExit with its code.
func startReplWorker(s streams, l *replListener, args, env []string) (*replWorker, error) {
	cmd := exec.Command(s.exe, args...)
	cmd.Env = append(append(os.Environ(), env...), l.env()...)
	// The worker redacts what it writes, knowing the session's secrets.
	stdout, stderr := rawWriter(s.stdout), rawWriter(s.stderr)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the REPL's Lua process: %w", err)
	}
	w := &replWorker{cmd: cmd, replies: make(chan workerReply, 64), ended: make(chan struct{})}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var conn net.Conn
	for conn == nil {
		select {
		case c := <-l.conns:
			if c.pid != cmd.Process.Pid {
				c.conn.Close() // a worker that ended before it was taken
				continue
			}
			conn = c.conn
		case err := <-exited:
			w.exitErr = err
			return nil, &childExit{code: max(w.exitCode(), exitError)}
		}
	}
	w.conn, w.enc = conn, json.NewEncoder(conn)
	go func() {
		dec := json.NewDecoder(conn)
		for {
			var r workerReply
			if err := dec.Decode(&r); err != nil {
				break
			}
			switch r.Op {
			case repOut:
				stdout.Write([]byte(r.Text))
			case repErr:
				stderr.Write([]byte(r.Text))
			case repBye:
				w.bye = string(r.Text)
			default:
				w.replies <- r
			}
		}
		// The connection ends with the process, or the process is
		// being killed.
		conn.Close()
		w.exitErr = <-exited
		close(w.ended)
		close(w.replies)
	}()
	return w, nil
}

// send sends r; an error means the worker has ended.
func (w *replWorker) send(r workerRequest) error { return w.enc.Encode(r) }

// kill ends the worker at once and waits for its end.
func (w *replWorker) kill() {
	w.cmd.Process.Kill()
	<-w.ended
}

// exitCode is the ended worker's exit code (1 when it has none).
func (w *replWorker) exitCode() int {
	var ee *exec.ExitError
	switch {
	case w.exitErr == nil:
		return 0
	case errors.As(w.exitErr, &ee) && ee.ExitCode() > 0:
		return ee.ExitCode()
	}
	return 1
}

// endReason says why the ended worker ended.
func (w *replWorker) endReason() string {
	if w.bye != "" {
		return w.bye
	}
	state := "exit status unknown"
	var ee *exec.ExitError
	if errors.As(w.exitErr, &ee) {
		state = ee.ProcessState.String()
	} else if w.exitErr != nil {
		state = w.exitErr.Error()
	}
	return fmt.Sprintf("the Lua session's process crashed (%s): out of memory, or a bug to report with the message above", state)
}

// replSupervisor is the REPL's side: it keeps a worker, sends it the
// lines read, and replaces it when it ends or does not stop.
type replSupervisor struct {
	s       streams
	ln      *replListener
	args    []string // the worker's command line
	env     []string // added to the worker's environment
	timeout time.Duration
	width   func() int // the width tables fit in; nil: the worker's default

	mu           sync.Mutex
	w            *replWorker
	running      bool // a request is out: Ctrl-C interrupts it
	interrupting bool
	intr         chan struct{}

	pending  bool  // the worker holds an unfinished statement
	quit     bool  // the worker's session ended: it is closing
	startErr error // a replacement worker did not start: the session ends
}

func newReplSupervisor(s streams, args, env []string, timeout time.Duration) (*replSupervisor, error) {
	ln, err := listenREPL()
	if err != nil {
		return nil, err
	}
	return &replSupervisor{s: s, ln: ln, args: args, env: env, timeout: timeout, intr: make(chan struct{}, 1)}, nil
}

// start starts a worker (with banner: one that greets) and waits for its
// hello. A worker that ends first has said why on stderr: the error is a
// *childExit with its code.
func (p *replSupervisor) start(banner bool) (workerReply, error) {
	args := p.args
	if banner {
		args = append(args[:len(args):len(args)], "--worker-banner")
	}
	w, err := startReplWorker(p.s, p.ln, args, p.env)
	if err != nil {
		return workerReply{}, err
	}
	r, ok := <-w.replies
	if !ok || r.Op != repHello {
		w.kill()
		return workerReply{}, &childExit{code: max(w.exitCode(), exitError)}
	}
	p.mu.Lock()
	p.w = w
	p.mu.Unlock()
	p.pending, p.quit = false, false
	return r, nil
}

func (p *replSupervisor) worker() *replWorker {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.w
}

// Redact returns line with the session's secrets redacted, for the
// history: the worker knows them (the token, the API tokens a statement
// minted); when it does not answer, the REPL's own set does.
func (p *replSupervisor) Redact(line string) string {
	if r, ok := p.ask(workerRequest{Op: reqRedact, Line: wireText(line)}, repRedacted); ok {
		return string(r.Text)
	}
	return p.s.secrets.Redact(line)
}

// Interrupt stops the running statement, as Ctrl-C does (see do). It
// reports whether it stopped one: false when none runs or the running
// one is being stopped already. Any goroutine may call it.
func (p *replSupervisor) Interrupt() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.running || p.interrupting {
		return false
	}
	p.interrupting = true
	select {
	case p.intr <- struct{}{}:
	default:
	}
	return true
}

func (p *replSupervisor) setRunning(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running, p.interrupting = on, false
	select {
	case <-p.intr:
	default:
	}
}

// Complete asks the worker for the completions of the word before rune
// offset pos of line; none while a statement runs or when the worker
// does not answer.
func (p *replSupervisor) Complete(line string, pos int) ([]string, string) {
	r, _ := p.ask(workerRequest{Op: reqComplete, Line: wireText(line), Pos: pos}, repComplete)
	return r.Candidates, r.Prefix
}

// ask sends req while no statement runs and returns the answer of kind
// op; ok is false when a statement runs or the worker does not answer
// within 2 seconds.
func (p *replSupervisor) ask(req workerRequest, op string) (r workerReply, ok bool) {
	p.mu.Lock()
	w, running := p.w, p.running
	p.mu.Unlock()
	if running || w.send(req) != nil {
		return workerReply{}, false
	}
	t := time.NewTimer(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case r, ok := <-w.replies:
			if !ok {
				return workerReply{}, false
			}
			if r.Op == op {
				return r, true
			}
		case <-t.C:
			return workerReply{}, false
		}
	}
}

// do sends req and waits for its answer. Ctrl-C (Interrupt) and the end
// of ctx ask the worker to stop the statement; a worker that has not
// answered replGrace after that, or replGrace after --timeout, is
// killed. A worker that ends is replaced when replace is set (see
// reset); the answer is then a failure.
func (p *replSupervisor) do(ctx context.Context, req workerRequest, replace bool) workerReply {
	w := p.worker()
	p.setRunning(true)
	defer p.setRunning(false)
	failed := workerReply{Op: repDone, Failed: true, Exit: -1}
	w.send(req) // a worker that has ended closes replies: seen below

	var grace, limit <-chan time.Time
	if p.timeout > 0 && req.Op == reqLine {
		t := time.NewTimer(p.timeout + replGrace)
		defer t.Stop()
		limit = t.C
	}
	stop := func() {
		w.send(workerRequest{Op: reqInterrupt})
		if grace == nil {
			grace = time.After(replGrace)
		}
	}
	done := ctx.Done()
	for {
		var why string
		select {
		case r, ok := <-w.replies:
			if ok && r.Op != repDone {
				continue // an answer to ask that came too late
			}
			if ok {
				p.pending, p.quit = r.Pending, r.Quit
				return r
			}
			why = w.endReason()
		case <-p.intr:
			stop()
			continue
		case <-done:
			done = nil
			stop()
			continue
		case <-grace:
			w.kill()
			why = fmt.Sprintf("the statement did not stop within %v of Ctrl-C (a long call of a Go built-in, such as gsub): its process was killed", replGrace)
		case <-limit:
			w.kill()
			why = fmt.Sprintf("the statement did not stop at its --timeout of %v: its process was killed", p.timeout)
		}
		if !replace || ctx.Err() != nil {
			return failed
		}
		p.reset(why)
		return failed
	}
}

// reset replaces the ended worker with a fresh one, saying why.
func (p *replSupervisor) reset(why string) {
	fmt.Fprintf(rawWriter(p.s.stderr), "clickscript repl: %s\nclickscript repl: the Lua session was reset: its globals are gone\n", why)
	if _, err := p.start(false); err != nil {
		p.startErr = err
		return
	}
	// The statement that failed was the session's last.
	p.do(context.Background(), workerRequest{Op: reqFailed}, false)
}

// line runs one line of input; it reports the answer, and the error that
// ends the session when no worker could be started again.
func (p *replSupervisor) line(ctx context.Context, line string) (workerReply, error) {
	width := 0
	if p.width != nil {
		width = p.width()
	}
	r := p.do(ctx, workerRequest{Op: reqLine, Line: wireText(line), Width: width}, true)
	return r, p.startErr
}

// runInteractive reads lines from ed with prompts until Ctrl-D or :quit,
// as repl.Session.RunInteractive does.
func (p *replSupervisor) runInteractive(ctx context.Context, ed *lineEditor) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		prompt := repl.Prompt
		if p.pending {
			prompt = repl.ContinuationPrompt
		}
		line, err := ed.ReadLine(prompt)
		switch {
		case errors.Is(err, repl.ErrLineCancelled):
			if p.pending {
				p.do(ctx, workerRequest{Op: reqCancel}, true)
			}
			continue
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		if !p.pending && strings.TrimSpace(line) == "" {
			continue
		}
		r, err := p.line(ctx, line)
		if err != nil {
			return err
		}
		if r.Quit {
			if r.Exit >= 0 {
				return &engine.ExitError{Code: r.Exit}
			}
			return nil
		}
	}
}

// runPiped reads lines from in without prompts until its end, as
// repl.Session.Run does, and returns what Run would.
func (p *replSupervisor) runPiped(ctx context.Context, in io.Reader) error {
	lines, stop := repl.ReadLines(in)
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case rd := <-lines:
			if rd.Err != nil {
				if !errors.Is(rd.Err, io.EOF) {
					return fmt.Errorf("read input: %w", rd.Err)
				}
				return pipedResult(p.do(ctx, workerRequest{Op: reqEnd}, false))
			}
			if !p.pending && strings.TrimSpace(rd.Line) == "" {
				continue
			}
			r, err := p.line(ctx, rd.Line)
			if err != nil {
				return err
			}
			if r.Quit {
				return pipedResult(r)
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
}

// pipedResult is the result of a piped session that ended with r.
func pipedResult(r workerReply) error {
	switch {
	case r.Exit >= 0:
		return &engine.ExitError{Code: r.Exit}
	case r.Failed:
		return repl.ErrLastStatementFailed
	}
	return nil
}

// close ends the worker: it lets a live one finish (save a recording,
// close the audit file) and returns a *childExit when it ended with an
// error it printed.
func (p *replSupervisor) close() error {
	defer p.ln.close()
	w := p.worker()
	if w == nil {
		return nil
	}
	select {
	case <-w.ended:
	default:
		if p.quit {
			break
		}
		if p.pending {
			p.do(context.Background(), workerRequest{Op: reqCancel}, false)
		}
		p.do(context.Background(), workerRequest{Op: reqEnd}, false)
	}
	w.conn.Close()
	t := time.NewTimer(bannerTimeout)
	defer t.Stop()
	select {
	case <-w.ended:
	case <-t.C:
		w.kill()
	}
	if code := w.exitCode(); code != 0 {
		return &childExit{code: code}
	}
	return nil
}
