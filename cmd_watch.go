package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/clickscript/clickscript/engine"
	"github.com/clickscript/clickscript/watch"
)

func watchCommand() *command {
	return &command{
		name: "watch",
		args: "[flags] --on PATH_OR_GLOB [--on ...] SCRIPT.lua [-- ARGS...]",
		summary: "re-run a Lua script whenever watched files change (the script itself included);\n" +
			"each run sees what changed in the global `event`; Ctrl-C stops",
		example: "clickscript watch --on members.csv scripts/watch_sync_members.lua -- \"Design Team\" members.csv\n" +
			"clickscript watch --emulator --initial --on 'data/*.csv' --recursive report.lua",
		setup: func(fs *pflag.FlagSet) func(context.Context, []string, streams) error {
			var (
				cf   connFlags
				lf   limitFlags
				bf   bulkFlags
				wopt watch.Options
			)
			fs.StringArrayVar(&wopt.Patterns, "on", nil, "what to watch, `PATH_OR_GLOB`: a file, a directory or a glob like 'data/*.csv'; repeat for more (required)")
			fs.BoolVar(&wopt.Recursive, "recursive", false, "watch the subdirectories of watched directories and globs too")
			fs.DurationVar(&wopt.Debounce, "debounce", watch.DefaultDebounce, "run once no change has come for this long")
			fs.DurationVar(&wopt.MaxWait, "max-wait", 0, "under changes that never stop, run at the latest this long after the first change (0: 10 x --debounce, at least 1s)")
			fs.IntVar(&wopt.MaxDepth, "max-depth", watch.DefaultMaxDepth, "with --recursive, how many levels of subdirectories to watch at most")
			fs.IntVar(&wopt.MaxWatches, "max-watches", watch.DefaultMaxWatches, "how many directories to watch at most")
			fs.BoolVar(&wopt.OnTouch, "on-touch", false, "run on saves that leave the content unchanged (touch), too")
			fs.BoolVar(&wopt.Initial, "initial", false, "run once at start, before any change")
			cf.register(fs)
			lf.register(fs)
			// Of the bulk record flags, only --audit fits watch mode: one
			// file gathers the writes of every run, for undo. (A journal
			// would skip batches that a later run means to send again.)
			fs.StringVar(&bf.audit, "audit", "", "append one JSON line per write call of every run to this file (undo reads it)")
			return func(ctx context.Context, args []string, s streams) error {
				return runWatch(ctx, args, s, watchFlags{cf, lf, bf, wopt})
			}
		},
	}
}

// watchFlags are the flags of watch.
type watchFlags struct {
	cf   connFlags
	lf   limitFlags
	bf   bulkFlags
	wopt watch.Options
}

// runWatch is `clickscript watch` once the flags are parsed.
func runWatch(ctx context.Context, args []string, s streams, f watchFlags) error {
	cf, wopt := f.cf, f.wopt
	if err := checkWatchArgs(args, wopt); err != nil {
		return err
	}
	if err := cf.validate(); err != nil {
		return usagef("%v", err)
	}
	if s.exe != "" && (cf.record != "" || cf.replay != "") {
		return usagef("--record and --replay work with run, not watch: each watch run is a process of its own")
	}
	lim, err := f.lf.limits()
	if err != nil {
		return usagef("%v", err)
	}
	path := args[0]
	if _, err := engine.ReadScript(path, nil); err != nil {
		return err
	}
	// Run summaries come from the watch loop while a run may be logging:
	// one lock keeps their lines whole.
	s.stderr = &lockedWriter{w: s.stderr}
	wopt.Log = s.stderr
	// Saving the script runs it again, too.
	wopt.Patterns = append(wopt.Patterns, path)
	w, err := watch.New(ctx, wopt)
	if err != nil {
		return watchLimitHint(err)
	}
	sess, err := cf.open(ctx, s)
	if err != nil {
		w.Close()
		return err
	}
	if cf.replay == "" && cf.record == "" {
		// (A cassette holds the script's requests only.)
		checkAgent(ctx, sess)
	}
	files, err := f.bf.open(s.secrets)
	if err != nil {
		w.Close()
		return joinErrors(err, sess.close())
	}
	opts := sess.engineOptions(s.stdout, s.stderr, files, lim)
	// What a run writes itself does not make the next run: the files its
	// script writes, and the audit file its writes append to.
	opts.Wrote = w.Wrote
	if s.exe != "" {
		// Each run is a child process this one can always stop: a run
		// that misbehaves never takes the watch down. The child tells
		// what it wrote when it ends.
		run := func(ctx context.Context, ev watch.Event) error {
			if f.bf.audit != "" {
				w.Wrote(f.bf.audit)
			}
			return watchRunError(ctx, superviseWatchRun(ctx, s, f, sess, path, args[1:], ev, w.Wrote), cf.timeout)
		}
		return joinErrors(w.Run(ctx, run), files.close(), sess.close())
	}
	run := func(ctx context.Context, ev watch.Event) error {
		script, err := engine.ReadScript(path, nil)
		if err != nil {
			return err
		}
		if f.bf.audit != "" {
			w.Wrote(f.bf.audit)
		}
		o := opts
		o.Globals = map[string]any{"event": eventValue(ev)}
		runCtx, cancel := withTimeout(ctx, cf)
		defer cancel()
		return watchRunError(ctx, engine.New(o).Run(runCtx, script, args[1:]), cf.timeout)
	}
	return joinErrors(w.Run(ctx, run), files.close(), sess.close())
}

// superviseWatchRun runs one watch run in a child process: `clickscript
// run --supervised` against the watch's own agent (its URL as --url, its
// token in the environment, never on a command line), with the watch's
// run flags, and the event as the global `event`.
func superviseWatchRun(ctx context.Context, s streams, f watchFlags, sess *session, path string, args []string, ev watch.Event, wrote func(string)) error {
	event, err := json.Marshal(map[string]any{"event": eventValue(ev)})
	if err != nil {
		return err
	}
	childArgs := []string{"run", "--supervised", "--url=" + sess.client.BaseURL(), "--globals=" + string(event)}
	// The connection is the watch's; of the other flags, those run has.
	runFlags, _ := runCommand().flags(io.Discard)
	var skip []string
	f.cf.fs.VisitAll(func(fl *pflag.Flag) {
		if runFlags.Lookup(fl.Name) == nil || fl.Name == "url" || fl.Name == "token" || fl.Name == "emulator" {
			skip = append(skip, fl.Name)
		}
	})
	childArgs = append(childArgs, flagArgs(f.cf.fs, skip...)...)
	childArgs = append(append(childArgs, "--", path), args...)
	env := []string{"CLICK_TOKEN=" + sess.client.Token()}
	err = superviseRun(ctx, s, childArgs, env, f.cf.timeout)
	var ce *childExit
	if errors.As(err, &ce) {
		for _, p := range ce.wrote {
			wrote(p)
		}
	}
	// The child printed its own messages; the summary line says how it
	// ended.
	if errors.As(err, &ce) {
		switch ce.code {
		case exitOK:
			return nil
		case exitInterrupted:
			return fmt.Errorf("interrupted: %w", context.Canceled)
		}
		return fmt.Errorf("exit status %d (its messages are above)", ce.code)
	}
	return err
}

// checkWatchArgs checks the arguments and watch options of watch.
func checkWatchArgs(args []string, wopt watch.Options) error {
	switch {
	case len(args) == 0:
		return usagef("missing the script to run")
	case args[0] == "-":
		return usagef("the script must be a file: watch reads it again before each run")
	case len(wopt.Patterns) == 0:
		return usagef("say what to watch with --on PATH_OR_GLOB (repeatable)")
	case filepath.Ext(args[0]) != "" && !strings.EqualFold(filepath.Ext(args[0]), ".lua"):
		// Most likely an unquoted glob that the shell expanded.
		return usagef("the script %q is not a .lua file: quote globs (--on 'data/*.csv') so that the shell leaves them alone", args[0])
	case wopt.Debounce < time.Millisecond:
		return usagef("--debounce %v: want at least 1ms", wopt.Debounce)
	case wopt.MaxWait != 0 && wopt.MaxWait < wopt.Debounce:
		return usagef("--max-wait %v: want 0 or at least --debounce (%v)", wopt.MaxWait, wopt.Debounce)
	case wopt.MaxDepth < 1:
		return usagef("--max-depth %d: want at least 1", wopt.MaxDepth)
	case wopt.MaxWatches < 1:
		return usagef("--max-watches %d: want at least 1", wopt.MaxWatches)
	}
	return nil
}

// agentCheckTimeout bounds the check of the agent at the start of watch.
const agentCheckTimeout = 5 * time.Second

// checkAgent asks the agent for its status and warns when it does not
// answer: the watch starts anyway (the agent may come up later), but its
// runs fail until it answers.
func checkAgent(ctx context.Context, sess *session) {
	cctx, cancel := context.WithTimeout(ctx, agentCheckTimeout)
	defer cancel()
	if _, err := sess.client.AgentStatus(cctx); err != nil && ctx.Err() == nil {
		sess.log.Warn("the agent does not answer: watching anyway, but runs that use the API fail until it does",
			"url", sess.client.BaseURL(), "error", err)
	}
}

// watchLimitHint names the flag that raises the limit a *watch.LimitError
// is about.
func watchLimitHint(err error) error {
	var le *watch.LimitError
	if !errors.As(err, &le) {
		return err
	}
	flag := "--max-watches"
	if le.Depth {
		flag = "--max-depth"
	}
	return fmt.Errorf("%w (%s %d)", err, flag, le.Limit)
}

// watchRunError is the error of a watch run as its summary line shows it:
// a script's error with its traceback on the next lines, a timeout as
// such. (A run that the end of the watch interrupts wraps
// context.Canceled, which the summary shows as "interrupted".)
func watchRunError(ctx context.Context, err error, timeout time.Duration) error {
	var se *engine.ScriptError
	switch {
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
		return &timeoutError{timeout}
	case errors.As(err, &se) && se.Traceback != "":
		return fmt.Errorf("%w\n%s", se, se.Traceback)
	}
	return err
}

// eventValue is what a watch run's script sees as the global `event`:
// {paths = {...}, changes = {{path=, kind=}, ...}, time =
// "2006-01-02T15:04:05Z07:00", initial = false}.
func eventValue(ev watch.Event) map[string]any {
	changes := make([]map[string]any, len(ev.Changes))
	for i, c := range ev.Changes {
		changes[i] = map[string]any{"path": c.Path, "kind": string(c.Kind)}
	}
	return map[string]any{
		"paths":   ev.Paths,
		"changes": changes,
		"time":    ev.Time.Format(time.RFC3339),
		"initial": ev.Initial,
	}
}

// lockedWriter serializes writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
