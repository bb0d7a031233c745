//go:build unix

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

// transcriptWidth is the width of the terminal the README's REPL
// transcript is shown in.
const transcriptWidth = 80

// localURL matches a loopback URL, whose port changes from run to run.
var localURL = regexp.MustCompile(`http://127\.0\.0\.1:\d+`)

// transcriptStep is a command of a transcript, or a line typed at the
// REPL's prompt, with what it prints.
type transcriptStep struct {
	line  int    // in README.md
	input string // the command after "$ ", or the line after "> "
	repl  bool   // typed at the REPL's prompt
	want  []string
}

// transcriptSteps reads a transcript block: "$ COMMAND" lines and "> LINE"
// lines (typed at the prompt of a REPL started by the last command), each
// followed by the lines it prints.
func transcriptSteps(b readmeBlock) []transcriptStep {
	var steps []transcriptStep
	for i, l := range strings.Split(strings.TrimSuffix(b.text, "\n"), "\n") {
		if cmd, ok := strings.CutPrefix(l, "$ "); ok {
			steps = append(steps, transcriptStep{line: b.line + 1 + i, input: cmd})
			continue
		}
		if in, ok := strings.CutPrefix(l, "> "); ok && len(steps) > 0 && isREPLCommand(steps) {
			steps = append(steps, transcriptStep{line: b.line + 1 + i, input: in, repl: true})
			continue
		}
		if len(steps) > 0 {
			steps[len(steps)-1].want = append(steps[len(steps)-1].want, l)
		}
	}
	return steps
}

// isREPLCommand reports whether the last command of steps started a REPL.
func isREPLCommand(steps []transcriptStep) bool {
	for i := len(steps) - 1; i >= 0; i-- {
		if !steps[i].repl {
			return strings.HasPrefix(steps[i].input, "clickscript repl")
		}
	}
	return false
}

// TestREADMETranscripts runs the README's terminal transcripts and
// compares what each command, and each line typed at the REPL, prints
// with what the README shows (see linesMatch; loopback URLs match any
// port). Commands run with sh in a scratch directory holding scripts/,
// with clickscript on PATH; a REPL runs in a pseudo-terminal
// transcriptWidth columns wide.
func TestREADMETranscripts(t *testing.T) {
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, b := range readmeBlocks(t) {
		if readmeChecker(b) != "TestREADMETranscripts" || b.skip != "" {
			continue
		}
		t.Run(filepathSafe(b.line), func(t *testing.T) {
			work := t.TempDir()
			if err := os.Symlink(filepath.Join(root, "scripts"), filepath.Join(work, "scripts")); err != nil {
				t.Fatal(err)
			}
			var p *ptyREPL
			for _, s := range transcriptSteps(b) {
				ran++
				var got string
				switch {
				case s.repl:
					got = p.statement(s.input)
				case strings.HasPrefix(s.input, "clickscript repl"):
					args := shellWords(s.input)[2:]
					p = startPTY(t, work, nil, args...)
					got = p.banner()
					if err := pty.Setsize(p.tty, &pty.Winsize{Rows: 50, Cols: transcriptWidth}); err != nil {
						t.Fatal(err)
					}
				default:
					got = runTranscriptCommand(t, work, s.input)
				}
				norm := func(s string) string { return localURL.ReplaceAllString(s, "http://127.0.0.1:PORT") }
				want := strings.Split(norm(strings.Join(s.want, "\n")), "\n")
				gotLines := strings.Split(norm(strings.TrimSuffix(got, "\n")), "\n")
				if len(s.want) == 0 {
					want = nil
				}
				if got == "" {
					gotLines = nil
				}
				if !linesMatch(want, gotLines) {
					t.Errorf("README.md:%d: %s\nprinted:\n%s\nthe README shows:\n%s", s.line, s.input, strings.Join(gotLines, "\n"), strings.Join(want, "\n"))
				}
			}
			if p != nil {
				p.send("\x04")
				p.wait()
			}
		})
	}
	if ran < 5 {
		t.Fatalf("ran %d transcript steps; the parser lost them", ran)
	}
}

// runTranscriptCommand runs a transcript's command line with sh in dir
// and returns what it printed on stdout and stderr.
func runTranscriptCommand(t *testing.T, dir, line string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", line)
	cmd.Dir = dir
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"XDG_CONFIG_HOME=" + filepath.Join(dir, ".config"),
		"XDG_STATE_HOME=" + filepath.Join(dir, ".state"),
	}
	out, _ := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("%s: %v", line, ctx.Err())
	}
	return string(out)
}

// filepathSafe names a subtest after a README line.
func filepathSafe(line int) string { return "line" + strconv.Itoa(line) }
