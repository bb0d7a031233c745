package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The README is a user's first test of clickscript: what it shows must be
// what they get. These tests run it.
//
//   - Every ```lua block runs against a fresh demo emulator, and every
//     `--> TEXT` annotation is compared with what its line printed (runs of
//     spaces and tabs count as one space; a TEXT ending in "..." is a
//     prefix).
//   - Every `clickscript run|undo|doctor|whoami ...` (or `go run . run ...`) line of a
//     ```sh block runs, in order, against one demo emulator shared by the
//     whole README, in a scratch directory that holds scripts/. A `# exit N`
//     comment at the end of the line expects that exit code (default 0). A
//     block that cannot run here (it needs a real agent, a user's own
//     script or a long-running process) is preceded by a line
//     `<!-- readme: not run: REASON -->`.
//   - Every block of a terminal transcript (`$ COMMAND` lines, `> ` lines
//     typed at the REPL) runs, and what each line prints is compared with
//     the lines after it (readme_transcript_test.go).
//   - The synopsis of the commands names the commands `clickscript help`
//     lists.
//   - Every other block carries a "not run" marker: TestREADMEEveryBlockChecked
//     fails on a block that no test checks and that does not say why.

// readmeBlock is one fenced block of README.md.
type readmeBlock struct {
	lang string
	line int // of the opening fence
	text string
	skip string // the reason given by a "not run" marker before it
}

func readmeBlocks(t *testing.T) []readmeBlock {
	t.Helper()
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	skipMarker := regexp.MustCompile(`^<!-- readme: not run: (.+) -->$`)
	var blocks []readmeBlock
	for i := 0; i < len(lines); i++ {
		lang, ok := strings.CutPrefix(lines[i], "```")
		if !ok {
			continue
		}
		b := readmeBlock{lang: lang, line: i + 1}
		for j := i - 1; j >= 0 && j >= i-2; j-- {
			if m := skipMarker.FindStringSubmatch(lines[j]); m != nil {
				b.skip = m[1]
			}
		}
		var body []string
		for i++; i < len(lines) && lines[i] != "```"; i++ {
			body = append(body, lines[i])
		}
		b.text = strings.Join(body, "\n") + "\n"
		blocks = append(blocks, b)
	}
	return blocks
}

// annotation matches "--> TEXT" at the end of a Lua line.
var annotation = regexp.MustCompile(`--> (.*)$`)

// printTag marks each line a snippet prints with the number of the line
// that printed it: the snippet runs with print wrapped to write it first.
const printTag = "\x01"

// printWrapper precedes a snippet on its first line, so line numbers stay.
const printWrapper = `local __print = print; print = function(...) io.write("` + printTag +
	`" .. debug.getinfo(2, "l").currentline .. "` + printTag + `"); return __print(...) end; `

func TestREADMESnippets(t *testing.T) {
	var lua int
	for _, b := range readmeBlocks(t) {
		if b.lang != "lua" {
			continue
		}
		lua++
		t.Run(fmt.Sprintf("line%d", b.line), func(t *testing.T) {
			if b.skip != "" {
				t.Skipf("README says: not run: %s", b.skip)
			}
			path := writeScript(t, printWrapper+b.text)
			code, stdout, stderr := runCLI(t.Context(), t, "", "run", "--emulator", path)
			if code != exitOK || strings.Contains(stderr, "panic") {
				t.Fatalf("README.md:%d: the lua block failed (exit %d):\n%s\n%s", b.line, code, b.text, stderr)
			}
			printed := printedByLine(stdout)
			for i, line := range strings.Split(b.text, "\n") {
				m := annotation.FindStringSubmatch(line)
				if m == nil {
					continue
				}
				at := b.line + 1 + i
				got, ok := printed[i+1]
				if !ok {
					t.Errorf("README.md:%d: annotated %q, but the line printed nothing", at, m[1])
					continue
				}
				if !annotationHolds(m[1], got) {
					t.Errorf("README.md:%d: annotated\n\t%s\nbut it printed\n\t%s", at, m[1], got)
				}
			}
		})
	}
	if lua < 5 {
		t.Fatalf("found %d lua blocks in README.md", lua)
	}
}

// printedByLine splits tagged output by the line that printed it; the
// prints of one line are joined by newlines.
func printedByLine(stdout string) map[int]string {
	out := map[int]string{}
	line := 0
	for _, l := range strings.Split(stdout, "\n") {
		if rest, ok := strings.CutPrefix(l, printTag); ok {
			n, text, _ := strings.Cut(rest, printTag)
			line, _ = strconv.Atoi(n)
			if prev, ok := out[line]; ok {
				out[line] = prev + "\n" + text
			} else {
				out[line] = text
			}
			continue
		}
		if line != 0 && l != "" {
			out[line] += "\n" + l
		}
	}
	return out
}

// annotationHolds compares an annotation with the printed text.
func annotationHolds(want, got string) bool {
	space := regexp.MustCompile(`[ \t]+`)
	norm := func(s string) string { return strings.TrimSpace(space.ReplaceAllString(s, " ")) }
	want, got = norm(want), norm(got)
	// "..." at either end stands for any text there.
	head, tail := strings.HasPrefix(want, "..."), strings.HasSuffix(want, "...")
	core := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(want, "..."), "..."))
	switch {
	case head && tail:
		return strings.Contains(got, core)
	case head:
		return strings.HasSuffix(got, core)
	case tail:
		return strings.HasPrefix(got, core)
	}
	return want == got
}

func TestAnnotationHolds(t *testing.T) {
	for _, c := range []struct {
		want, got string
		ok        bool
	}{
		{"2  0  0", "2\t0\t0", true},
		{"2  0  0", "2\t0\t1", false},
		{`usergroup.sync: would remove 16 of 17 members; ...`, `usergroup.sync: would remove 16 of 17 members; nothing`, true},
		{`usergroup.sync: would remove 16 of 17 members; ...`, `usergroup.sync: would remove 17 of 17 members; nothing`, false},
		{"true", "true\nfalse", false},
		{"... sync: over ...", "s.lua:6: sync: over max", true},
		{"... sync: over ...", "s.lua:6: sync: under max", false},
	} {
		if got := annotationHolds(c.want, c.got); got != c.ok {
			t.Errorf("annotationHolds(%q, %q) = %v, want %v", c.want, c.got, got, c.ok)
		}
	}
	out := printedByLine(printTag + "3" + printTag + "a\tb\nmore\n" + printTag + "5" + printTag + "c\n")
	if out[3] != "a\tb\nmore" || out[5] != "c" {
		t.Errorf("printedByLine: %v", out)
	}
}

// TestREADMECommands runs the clickscript commands of the README's sh blocks.
func TestREADMECommands(t *testing.T) {
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	blocks := readmeBlocks(t)
	work := t.TempDir()
	if err := os.Symlink(filepath.Join(root, "scripts"), filepath.Join(work, "scripts")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	t.Setenv("CLICK_URL", startDemoEmulator(t, "tok-readme"))
	t.Setenv("CLICK_TOKEN", "tok-readme")
	t.Setenv("HOME", work)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(work, ".config"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(work, ".state"))

	var ran int
	for _, b := range blocks {
		if b.lang != "sh" {
			continue
		}
		for _, sl := range shellLines(b.text) {
			cmd := sl.text
			args, want, ok := readmeCommand(cmd)
			if !ok {
				continue
			}
			at := b.line + 1 + sl.index
			if b.skip != "" {
				t.Logf("README.md:%d: not run (%s): %s", at, b.skip, cmd)
				continue
			}
			ran++
			args, redirect := cutRedirect(args)
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			code, stdout, stderr := runCLI(ctx, t, "", args...)
			cancel()
			if code != want {
				t.Errorf("README.md:%d: %s\nexit %d, want %d\nstdout:\n%s\nstderr:\n%s", at, cmd, code, want, stdout, stderr)
			}
			if err := redirect(stdout); err != nil {
				t.Errorf("README.md:%d: %s: %v", at, cmd, err)
			}
		}
	}
	if ran < 5 {
		t.Fatalf("ran %d README commands; the parser lost them", ran)
	}
}

// cutRedirect takes a trailing "> FILE" (stdout written to FILE) or
// "| diff - FILE" (stdout compared with FILE) off args.
func cutRedirect(args []string) ([]string, func(stdout string) error) {
	n := len(args)
	switch {
	case n >= 2 && args[n-2] == ">":
		file := args[n-1]
		return args[:n-2], func(stdout string) error { return os.WriteFile(file, []byte(stdout), 0o644) }
	case n >= 4 && args[n-4] == "|" && args[n-3] == "diff" && args[n-2] == "-":
		file := args[n-1]
		return args[:n-4], func(stdout string) error {
			want, err := os.ReadFile(file)
			if err != nil {
				return err
			}
			if string(want) != stdout {
				return fmt.Errorf("output differs from %s:\n%s\nwant:\n%s", file, stdout, want)
			}
			return nil
		}
	}
	return args, func(string) error { return nil }
}

// shellLine is one command line of a sh block, continuations joined.
type shellLine struct {
	index int // of its first line in the block
	text  string
}

// shellLines returns the command lines of a sh block in order.
func shellLines(text string) []shellLine {
	var out []shellLine
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		start, line := i, lines[i]
		for strings.HasSuffix(line, `\`) && i+1 < len(lines) {
			i++
			line = strings.TrimSuffix(line, `\`) + " " + strings.TrimSpace(lines[i])
		}
		out = append(out, shellLine{start, line})
	}
	return out
}

// readmeCommand reads one README command line: the arguments of a
// clickscript run, undo or repl (`go run .` counts as clickscript), and the
// exit code a trailing "# exit N" expects.
func readmeCommand(line string) (args []string, exit int, ok bool) {
	line = strings.TrimSpace(line)
	if rest, found := strings.CutPrefix(line, "go run . "); found {
		line = "clickscript " + rest
	}
	if !strings.HasPrefix(line, "clickscript ") {
		return nil, 0, false
	}
	if i := strings.Index(line, " #"); i >= 0 {
		comment := line[i+2:]
		line = line[:i]
		if m := regexp.MustCompile(`^\s*exit (\d+)`).FindStringSubmatch(comment); m != nil {
			exit, _ = strconv.Atoi(m[1])
		}
	}
	words := shellWords(line)
	if len(words) < 2 {
		return nil, 0, false
	}
	switch words[1] {
	case "run", "undo", "doctor", "whoami":
		return words[1:], exit, true
	}
	return nil, 0, false
}

// shellWords splits a command line as sh would for the README's simple
// commands: spaces separate words, quotes group them.
func shellWords(line string) []string {
	var words []string
	var cur strings.Builder
	in, quote := false, rune(0)
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}

func TestShellWords(t *testing.T) {
	got := shellWords(`clickscript run x.lua -- "Design Team" 'a b' c`)
	want := []string{"clickscript", "run", "x.lua", "--", "Design Team", "a b", "c"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("shellWords = %q, want %q", got, want)
	}
	args, exit, ok := readmeCommand(`go run . run --dry-run s.lua -- "Design Team" 10%   # exit 1: refused`)
	if !ok || exit != 1 || fmt.Sprint(args) != fmt.Sprint([]string{"run", "--dry-run", "s.lua", "--", "Design Team", "10%"}) {
		t.Errorf("readmeCommand = %q, %d, %v", args, exit, ok)
	}
}

// readmeChecker names the test that checks what block b shows, or ""
// when none does:
//   - ```lua blocks run, and their `-->` annotations are compared
//     (TestREADMESnippets);
//   - ```sh blocks with a clickscript run, undo, doctor or whoami line run
//     it (TestREADMECommands);
//   - blocks of a terminal transcript (`$ COMMAND` lines, each followed by
//     what it prints; `> ` lines typed at the REPL's prompt) run and are
//     compared line by line (TestREADMETranscripts);
//   - the synopsis of the commands is compared with `clickscript help`
//     (TestREADMESynopsis).
func readmeChecker(b readmeBlock) string {
	switch {
	case b.lang == "lua":
		return "TestREADMESnippets"
	case b.lang == "sh":
		for _, sl := range shellLines(b.text) {
			if _, _, ok := readmeCommand(sl.text); ok {
				return "TestREADMECommands"
			}
		}
	case b.lang == "" && strings.HasPrefix(b.text, "$ "):
		return "TestREADMETranscripts"
	case b.lang == "" && strings.HasPrefix(b.text, "clickscript run "):
		return "TestREADMESynopsis"
	}
	return ""
}

// TestREADMEEveryBlockChecked: every block of the README is checked by a
// test, or says why not with a `<!-- readme: not run: REASON -->` line
// before it; the blocks that are not checked are listed (go test -v).
func TestREADMEEveryBlockChecked(t *testing.T) {
	blocks := readmeBlocks(t)
	checked := 0
	for _, b := range blocks {
		first, _, _ := strings.Cut(b.text, "\n")
		switch by := readmeChecker(b); {
		case by != "" && b.skip == "":
			checked++
		case b.skip != "":
			t.Logf("README.md:%d: not checked (%s): ```%s %s", b.line, b.skip, b.lang, first)
		default:
			t.Errorf("README.md:%d: no test checks this ```%s block (%q): make it one a test checks (see readmeChecker), or put <!-- readme: not run: REASON --> before it",
				b.line, b.lang, first)
		}
	}
	if checked < 20 {
		t.Errorf("only %d of %d README blocks are checked", checked, len(blocks))
	}
}

// TestREADMESynopsis: the README's synopsis of the commands names every
// command `clickscript help` lists, and no other.
func TestREADMESynopsis(t *testing.T) {
	var synopsis []string
	for _, b := range readmeBlocks(t) {
		if readmeChecker(b) != "TestREADMESynopsis" {
			continue
		}
		for _, line := range strings.Split(strings.TrimSpace(b.text), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "clickscript" && f[1] != "help" {
				synopsis = append(synopsis, f[1])
			}
		}
	}
	code, stdout, stderr := runCLI(t.Context(), t, "", "help")
	if code != exitOK {
		t.Fatalf("clickscript help: exit %d: %s", code, stderr)
	}
	var commands []string
	for _, line := range strings.Split(stdout, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "clickscript" && strings.HasPrefix(line, "  ") {
			commands = append(commands, f[1])
		}
	}
	slicesSort := func(s []string) string {
		c := append([]string(nil), s...)
		sort.Strings(c)
		return strings.Join(c, " ")
	}
	if len(commands) < 5 || slicesSort(synopsis) != slicesSort(commands) {
		t.Errorf("the README's synopsis names %q; clickscript help lists %q", synopsis, commands)
	}
}

// linesMatch reports whether got matches want line by line, trailing
// spaces aside; a want line "..." stands for any number of lines.
func linesMatch(want, got []string) bool {
	if len(want) == 0 {
		return len(got) == 0
	}
	if want[0] == "..." {
		for i := 0; i <= len(got); i++ {
			if linesMatch(want[1:], got[i:]) {
				return true
			}
		}
		return false
	}
	return len(got) > 0 && strings.TrimRight(want[0], " \t") == strings.TrimRight(got[0], " \t") && linesMatch(want[1:], got[1:])
}

func TestLinesMatch(t *testing.T) {
	for _, c := range []struct {
		want, got string
		ok        bool
	}{
		{"a\nb", "a\nb  ", true},
		{"a\n...\nd", "a\nb\nc\nd", true},
		{"a\n...\nd", "a\nd", true},
		{"a\n...\nd", "a\nb\nc", false},
		{"a\nb", "a\nb\nc", false},
		{"a\nb\nc", "a\nb", false},
		{"...", "", true},
	} {
		split := func(s string) []string {
			if s == "" {
				return nil
			}
			return strings.Split(s, "\n")
		}
		if got := linesMatch(split(c.want), split(c.got)); got != c.ok {
			t.Errorf("linesMatch(%q, %q) = %v", c.want, c.got, got)
		}
	}
}
