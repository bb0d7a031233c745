package main

import (
	"errors"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/clickscript/clickscript/audit"
	"github.com/clickscript/clickscript/bindings"
	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/internal/termbar"
)

// bulkFlags are the flags that keep records of bulk membership changes.
type bulkFlags struct {
	audit   string
	journal string
	results string
}

func (b *bulkFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&b.audit, "audit", "", "append one JSON line per write call to this file (undo reads it)")
	fs.StringVar(&b.journal, "journal", "", "record applied bulk batches here; a re-run with the same journal skips them")
	fs.StringVar(&b.results, "results", "", "write one CSV row per bulk input row: row, user, group, action, outcome, message")
}

// bulkFiles are the open record files of a run.
type bulkFiles struct {
	audit   *audit.Log
	journal *audit.Journal
	results *audit.Results
}

// open opens the files the flags name, each private (mode 0600), and each
// writing what it is given with the values of secrets redacted.
func (b *bulkFlags) open(secrets *clickapi.Secrets) (*bulkFiles, error) {
	f := &bulkFiles{}
	var err error
	if b.audit != "" {
		if f.audit, err = audit.OpenLog(b.audit, secrets.Redact); err != nil {
			return nil, err
		}
	}
	if b.journal != "" {
		if f.journal, err = audit.OpenJournal(b.journal, secrets.Redact); err != nil {
			f.close()
			return nil, err
		}
	}
	if b.results != "" {
		if f.results, err = audit.CreateResults(b.results, secrets.Redact); err != nil {
			f.close()
			return nil, err
		}
	}
	return f, nil
}

// close closes every open file.
func (f *bulkFiles) close() error {
	var errs []error
	if f.audit != nil {
		errs = append(errs, f.audit.Close())
	}
	if f.journal != nil {
		errs = append(errs, f.journal.Close())
	}
	if f.results != nil {
		errs = append(errs, f.results.Close())
	}
	return errors.Join(errs...)
}

// progressFor shows bulk progress on w: a bar when w is a terminal,
// otherwise a log line every 10% (or every 5 seconds, whichever comes first).
func progressFor(w io.Writer, log *slog.Logger) func(op string, total int) bindings.Progress {
	if f, ok := rawWriter(w).(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return func(op string, total int) bindings.Progress {
			return termbar.New(w, op, total, "rows")
		}
	}
	return func(op string, total int) bindings.Progress {
		if total < minLoggedProgress {
			return quietProgress{}
		}
		return &logProgress{log: log, op: op, total: total, last: time.Now()}
	}
}

// minLoggedProgress is the smallest bulk write that logs progress lines:
// smaller ones are over before a line would help.
const minLoggedProgress = 1000

type quietProgress struct{}

func (quietProgress) Add(int) {}
func (quietProgress) Finish() {}

// logProgress logs progress lines for a non-terminal stderr.
type logProgress struct {
	mu          sync.Mutex
	log         *slog.Logger
	op          string
	total, done int
	nextPct     int
	last        time.Time
}

func (p *logProgress) Add(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	if p.total == 0 {
		return
	}
	pct := p.done * 100 / p.total
	if pct >= p.nextPct+10 || time.Since(p.last) >= 5*time.Second {
		p.nextPct = pct - pct%10
		p.last = time.Now()
		p.log.Info("progress", "op", p.op, "sent", p.done, "of", p.total, "percent", pct)
	}
}

func (p *logProgress) Finish() {}
