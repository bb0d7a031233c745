package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/clickscript/clickscript/engine"
)

func watchCommand() *command {
	return &command{
		name: "watch",
		args: "[flags] --on PATH_OR_GLOB [--on ...] SCRIPT.lua [-- ARGS...]",
		summary: "re-run a Lua script whenever watched files change (the script itself included);\n" +
			"each run sees what changed in the global `event`; Ctrl-C stops",
		example: "clickscript watch --on members.csv scripts/watch_sync_members.lua -- \"Design Team\" members.csv\n" +
			"clickscript watch --emulator --initial --on 'data/*.csv' --recursive report.lua",
		setup: func(fs *pflag.FlagSet) func(context.Context, []string, streams) int {
			var (
				cf   connFlags
				lf   limitFlags
				bf   bulkFlags
				wopt engine.WatchOptions
			)
			fs.StringArrayVar(&wopt.Patterns, "on", nil, "what to watch, `PATH_OR_GLOB`: a file, a directory or a glob like 'data/*.csv'; repeat for more (required)")
			fs.BoolVar(&wopt.Recursive, "recursive", false, "watch the subdirectories of watched directories and globs too")
			fs.DurationVar(&wopt.Debounce, "debounce", engine.DefaultDebounce, "run once no change has come for this long")
			fs.BoolVar(&wopt.OnTouch, "on-touch", false, "run on saves that leave the content unchanged (touch), too")
			fs.BoolVar(&wopt.Initial, "initial", false, "run once at start, before any change")
			cf.register(fs)
			lf.register(fs)
			// Of the bulk record flags, only --audit fits watch mode: one
			// file gathers the writes of every run, for undo. (A journal
			// would skip batches that a later run means to send again.)
			fs.StringVar(&bf.audit, "audit", "", "append one JSON line per write call of every run to this file (undo reads it)")
			return func(ctx context.Context, args []string, s streams) int {
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
	wopt engine.WatchOptions
}

// runWatch is `clickscript watch` once the flags are parsed.
func runWatch(ctx context.Context, args []string, s streams, f watchFlags) int {
	cf, wopt := f.cf, f.wopt
	switch {
	case len(args) == 0:
		return usageError(s, "watch", "missing the script to run")
	case args[0] == "-":
		return usageError(s, "watch", "the script must be a file: watch reads it again before each run")
	case len(wopt.Patterns) == 0:
		return usageError(s, "watch", "say what to watch with --on PATH_OR_GLOB (repeatable)")
	case filepath.Ext(args[0]) != "" && !strings.EqualFold(filepath.Ext(args[0]), ".lua"):
		// Most likely an unquoted glob that the shell expanded.
		return usageError(s, "watch", "the script %q is not a .lua file: quote globs (--on 'data/*.csv') so that the shell leaves them alone", args[0])
	case wopt.Debounce < time.Millisecond:
		return usageError(s, "watch", "--debounce %v: want at least 1ms", wopt.Debounce)
	}
	if err := cf.validate(); err != nil {
		return usageError(s, "watch", "%v", err)
	}
	maxMemory, err := f.lf.bytes()
	if err != nil {
		return usageError(s, "watch", "%v", err)
	}
	path := args[0]
	if _, err := engine.ReadScript(path, nil); err != nil {
		fmt.Fprintf(s.stderr, "clickscript watch: %v\n", err)
		return exitError
	}
	// Run summaries come from the watch loop while a run may be logging:
	// one lock keeps their lines whole.
	s.stderr = &lockedWriter{w: s.stderr}
	wopt.Log = s.stderr
	// Saving the script runs it again, too.
	wopt.Patterns = append(wopt.Patterns, path)
	w, err := engine.NewWatcher(wopt)
	if err != nil {
		fmt.Fprintf(s.stderr, "clickscript watch: %v\n", err)
		return exitError
	}
	sess, err := cf.open(ctx, s)
	if err != nil {
		w.Close()
		fmt.Fprintf(s.stderr, "clickscript watch: %v\n", err)
		return exitError
	}
	files, err := f.bf.open()
	if err != nil {
		w.Close()
		sess.close()
		fmt.Fprintf(s.stderr, "clickscript watch: %v\n", err)
		return exitError
	}
	progress := progressFor(s.stderr, sess.log)
	run := func(ctx context.Context, ev engine.Event) error {
		script, err := engine.ReadScript(path, nil)
		if err != nil {
			return err
		}
		eng := engine.New(engine.Options{
			Client: sess.client, Stdout: s.stdout, Logger: sess.log,
			DryRun: cf.dryRun, Concurrency: cf.concurrency, PageSize: sess.pageSize,
			Sequential: cf.record != "",
			Audit:      files.audit, Progress: progress,
			MaxMemory: maxMemory, Sandbox: f.lf.sandbox,
			Setup: ev.Setup,
		})
		runCtx, cancel := withTimeout(ctx, cf)
		defer cancel()
		err = eng.Run(runCtx, script, args[1:])
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return fmt.Errorf("script stopped: --timeout %v reached", cf.timeout)
		}
		return err
	}
	code := exitOK
	if err := w.Run(ctx, run); err != nil {
		fmt.Fprintf(s.stderr, "clickscript watch: %v\n", err)
		code = exitError
	}
	for _, err := range []error{files.close(), sess.close()} {
		if err != nil {
			fmt.Fprintf(s.stderr, "clickscript watch: %v\n", err)
			code = exitError
		}
	}
	return code
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
