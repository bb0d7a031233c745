//go:build unix

package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/rivo/uniseg"
)

// promptMark is how a fresh prompt shows in the cleaned output of the
// REPL in a terminal: readline returns to the line's start and draws it.
const promptMark = "\r> "

// until waits until the cleaned output not yet consumed holds a match of
// find (which returns the end of its match, or -1), consumes it and
// returns the cleaned text up to the end of the match.
func (p *ptyREPL) until(what string, find func(rest string) int) string {
	p.t.Helper()
	deadline := time.Now().Add(ptyTimeout)
	for {
		p.mu.Lock()
		all := p.out.String()
		p.mu.Unlock()
		rest, rawAt := cleaned(all[p.seen:])
		if end := find(rest); end >= 0 {
			p.seen += rawEnd(rawAt, end) // consume the raw output up to the match's end
			return rest[:end]
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("the REPL did not print %s within %v; it printed:\n%s", what, ptyTimeout, ansiPattern.ReplaceAllString(all, ""))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// banner waits for the first prompt and returns what the REPL printed
// before it, with "\n" line ends.
func (p *ptyREPL) banner() string {
	p.t.Helper()
	text := p.until("its first prompt", func(rest string) int {
		if i := strings.Index(rest, promptMark); i >= 0 {
			return i + len(promptMark)
		}
		return -1
	})
	return strings.ReplaceAll(strings.TrimSuffix(text, promptMark), "\r\n", "\n")
}

// statement types line at the prompt and returns what it printed (values
// and errors, "\n" line ends), waiting for the next prompt.
func (p *ptyREPL) statement(line string) string {
	p.t.Helper()
	p.send(line + "\r")
	echo := "> " + line + "\r\n"
	text := p.until("the output of "+line, func(rest string) int {
		i := strings.Index(rest, echo)
		if i < 0 {
			return -1
		}
		j := strings.Index(rest[i+len(echo):], promptMark)
		if j < 0 {
			return -1
		}
		return i + len(echo) + j + len(promptMark)
	})
	text = text[strings.Index(text, echo)+len(echo) : len(text)-len(promptMark)]
	return strings.ReplaceAll(text, "\r\n", "\n")
}

// TestREPLTerminalFitsWidth: in an 80-column terminal no line of a table
// is wider than 80 (a wider line wraps and splits the ids), the members
// of a group show their assignment ids whole, and a terminal resized
// between statements gets tables of its new width.
func TestREPLTerminalFitsWidth(t *testing.T) {
	p := startPTY(t, t.TempDir(), nil, "--emulator")
	p.banner()
	if err := pty.Setsize(p.tty, &pty.Winsize{Rows: 50, Cols: 80}); err != nil {
		t.Fatal(err)
	}
	statements := []string{
		`usergroup.members(usergroup.find("Design Team"))`,
		`usergroup.list{}`,
		`user.list{}`,
		`permission.list{group = "Design Team", on = "projects"}`,
		`project.list{}`,
		`drive.list{}`,
	}
	outs := map[string]string{}
	for _, s := range statements {
		out := p.statement(s)
		outs[s] = out
		for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			if w := uniseg.StringWidth(line); w > 80 {
				t.Errorf("%s: a line %d columns wide in an 80-column terminal: %q", s, w, line)
			}
		}
		if !strings.Contains(out, ":wide shows every column") {
			t.Errorf("%s: no note of the columns left out:\n%s", s, out)
		}
	}
	members := outs[statements[0]]
	if !strings.HasPrefix(members, "user.username               userUserGroup.id                      user.status\n") ||
		!strings.Contains(members, "\nada.jansen@example.com      00000000-0000-4000-8000-00000000040d  active\n") {
		t.Errorf("members at 80 columns:\n%s", members)
	}
	// Wider now: the same list shows more columns.
	if err := pty.Setsize(p.tty, &pty.Winsize{Rows: 50, Cols: 160}); err != nil {
		t.Fatal(err)
	}
	if out := p.statement(statements[0]); !strings.HasPrefix(out, "user.username               userUserGroup.id                      user.status  user.firstname  user.lastname  user.userType ") {
		t.Errorf("members at 160 columns:\n%s", out)
	}
	p.send("\x04")
	if code := p.wait(); code != 0 {
		t.Errorf("exit code %d", code)
	}
}

// TestTerminalWidth: the width of tables is the terminal's less one, else
// $COLUMNS less one, else 0 (the printer's default).
func TestTerminalWidth(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("cannot open a pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("COLUMNS", "100")
	if w := terminalWidth(tty); w != 79 {
		t.Errorf("a terminal of 80 columns: width %d, want 79", w)
	}
	if w := terminalWidth(os.Stderr); w != 99 && !isTerminal(os.Stderr) {
		t.Errorf("not a terminal, COLUMNS=100: width %d, want 99", w)
	}
	if w := terminalWidth(&strings.Builder{}); w != 99 {
		t.Errorf("not a file, COLUMNS=100: width %d, want 99", w)
	}
	for _, c := range []string{"", "abc", "10"} {
		t.Setenv("COLUMNS", c)
		if w := terminalWidth(&strings.Builder{}); w != 0 {
			t.Errorf("COLUMNS=%q: width %d, want 0", c, w)
		}
	}
}
