package main

import (
	"bytes"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/clickscript/clickscript/internal/termbar"
)

// Bulk progress is a bar on a terminal and log lines elsewhere.
func TestProgressForPicksBarOnATerminal(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("cannot open a pseudo-terminal (the test needs /dev/ptmx): %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))

	p := progressFor(tty, log)("import", 3)
	if _, ok := p.(*termbar.Bar); !ok {
		t.Fatalf("on a terminal: %T, want a *termbar.Bar", p)
	}
	p.Add(3)
	want := "import 100% |####################| 3/3 rows"
	got := make([]byte, 0, 256)
	buf := make([]byte, 256)
	ptmx.SetReadDeadline(time.Now().Add(10 * time.Second))
	for !strings.Contains(string(got), want) {
		n, err := ptmx.Read(buf)
		if err != nil {
			t.Fatalf("read the terminal: %v (so far %q)", err, got)
		}
		got = append(got, buf[:n]...)
	}

	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if p := progressFor(f, log)("import", minLoggedProgress); p == nil {
		t.Fatal("no progress for a file")
	} else if _, ok := p.(*termbar.Bar); ok {
		t.Fatal("a bar drawn into a file")
	} else {
		p.Add(minLoggedProgress)
		if !strings.Contains(logs.String(), "msg=progress op=import sent=1000 of=1000 percent=100") {
			t.Errorf("log lines for a file: %q", logs.String())
		}
	}
}
