package repl

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clickscript/clickscript/bindings"
	"github.com/clickscript/clickscript/engine"
	"github.com/clickscript/clickscript/internal/testagent"
)

// newEngine returns an engine talking to a fresh demo emulator, and its stdout.
func newEngine(t *testing.T) (*engine.Engine, *bytes.Buffer) {
	t.Helper()
	var out bytes.Buffer
	client := testagent.Client(t, "tok-engine-test")
	return engine.New(engine.Options{Options: bindings.Options{Client: client}, Stdout: &out}), &out
}

// newREPL returns a REPL on a fresh demo emulator, the buffer that gets
// its values and print output, and the one that gets its errors.
func newREPL(t *testing.T, opts Options) (*Session, *bytes.Buffer, *replBuffer) {
	t.Helper()
	e, out := newEngine(t)
	errs := &replBuffer{}
	opts.Stderr = errs
	r := New(e, opts)
	t.Cleanup(r.Close)
	return r, out, errs
}

// replBuffer is a bytes.Buffer safe for concurrent use.
type replBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *replBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *replBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runREPL feeds input to a new REPL through Run.
func runREPL(t *testing.T, opts Options, input string) (out, errs string, err error) {
	t.Helper()
	r, o, e := newREPL(t, opts)
	err = r.Run(context.Background(), strings.NewReader(input), o)
	return o.String(), e.String(), err
}

func TestREPLExpressionsAndStatements(t *testing.T) {
	input := strings.Join([]string{
		"1 + 1",
		"x = 40",
		"x + 2",
		"local y = 1",
		"y",
		"for i = 1, 2 do",
		"  print('line', i)",
		"end",
		"function double(n)",
		"  return n * 2",
		"end",
		"double(21)",
		"s = [[first",
		"second]]",
		"s",
		"1 +",
		"2",
		"=3",
		"'a', 2, nil",
		"print('printed')",
		"",
		"   ",
		"t = {",
		"  b = 2, a = 1,",
		"}",
		"t",
		"json.null",
		"arg[1]",
	}, "\n") + "\n"
	out, errs, err := runREPL(t, Options{}, input)
	if err != nil || errs != "" {
		t.Fatalf("err = %v, errors %q", err, errs)
	}
	want := strings.Join([]string{
		"2",
		"42",
		"nil",
		"line\t1",
		"line\t2",
		"42",
		"first\nsecond",
		"3",
		"3",
		"a\t2\tnil",
		"printed",
		"{a = 1, b = 2}",
		"null",
		"nil",
	}, "\n") + "\n"
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
}

func TestREPLErrorsDoNotEndTheSession(t *testing.T) {
	input := strings.Join([]string{
		`usergroup.insert{name = "Design Team"}`,
		"x = = 1",
		"error('boom')",
		"nosuch.field",
		"usergroup.list{bogus = 1}",
		":nope",
		":help nosuch",
		"'still here'",
	}, "\n")
	out, errs, err := runREPL(t, Options{}, input) // no final newline: the last line counts
	if err != nil {
		t.Errorf("err = %v, want nil: the last statement succeeded", err)
	}
	if out != "still here\n" {
		t.Errorf("output %q", out)
	}
	for _, want := range []string{
		"stdin:1: usergroup.insert: 499 DUPLICATE: A resource with the same name already exists.\n",
		"stdin:1: syntax error near '=' (column 5)\n",
		"stdin:1: boom\n",
		"stdin:1: attempt to index a non-table object(nil) with key 'field'\n",
		"usergroup.list: unknown option",
		"unknown command :nope",
		`no help for "nosuch"`,
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors do not contain %q:\n%s", want, errs)
		}
	}
	for _, bad := range []string{"goroutine", ".go:", "stack traceback", "panic"} {
		if strings.Contains(errs, bad) {
			t.Errorf("errors show %q:\n%s", bad, errs)
		}
	}
}

func TestREPLExitStatus(t *testing.T) {
	for _, tt := range []struct {
		name, input string
		want        error
	}{
		{"last statement failed", "1\nerror('x')\n", ErrLastStatementFailed},
		{"an earlier one failed", "error('x')\n1\n", nil},
		{"incomplete at the end", "for i = 1, 2 do\n", ErrLastStatementFailed},
		{"quit", "error('x')\n:quit\nnever()\n", ErrLastStatementFailed},
		{"empty", "", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, errs, err := runREPL(t, Options{}, tt.input)
			if !errors.Is(err, tt.want) && err != tt.want {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			if strings.Contains(errs, "never") {
				t.Errorf("ran past :quit: %s", errs)
			}
		})
	}
	_, errs, _ := runREPL(t, Options{}, "for i = 1, 2 do\n")
	if !strings.Contains(errs, "stdin: syntax error at end of file") {
		t.Errorf("an unfinished statement at the end: %q", errs)
	}
	_, errs, _ = runREPL(t, Options{}, "print('abc\n")
	if !strings.Contains(errs, "unterminated string") {
		t.Errorf("an unterminated quoted string is an error at once: %q", errs)
	}
}

func TestREPLLists(t *testing.T) {
	input := strings.Join([]string{
		"usergroup.list{}:count()",
		"usergroup.list{}",
		"usergroup.list{}:all()",
		"usergroup.list{name = 'no such group'}",
		"usergroup.list{name = 'design team'}",
		"usergroup.members(usergroup.find('Design Team'))",
	}, "\n") + "\n"
	out, errs, err := runREPL(t, Options{Rows: 3, Width: 1000}, input)
	if err != nil || errs != "" {
		t.Fatalf("err = %v, errors %q", err, errs)
	}
	parts := strings.Split(out, "\n")
	if parts[0] != "41" {
		t.Fatalf("count: %q", parts[0])
	}
	// The iterator and its :all() print the same table.
	iter := strings.Join(parts[1:6], "\n")
	all := strings.Join(parts[6:11], "\n")
	if iter != all {
		t.Errorf("an iterator and its :all() differ:\n%s\n--\n%s", iter, all)
	}
	if !strings.HasPrefix(parts[1], "name ") || !strings.Contains(parts[1], "description") || !strings.Contains(parts[1], "active") {
		t.Errorf("header %q: want name first", parts[1])
	}
	if !strings.HasPrefix(parts[2], "Animation ") || !strings.HasPrefix(parts[4], "Art Department ") {
		t.Errorf("rows: %q", parts[2:5])
	}
	if parts[5] != "... and 38 more" {
		t.Errorf("footer %q", parts[5])
	}
	if parts[11] != "(no rows)" {
		t.Errorf("an empty listing: %q", parts[11])
	}
	if !strings.HasPrefix(parts[12], "name ") || !strings.HasPrefix(parts[13], "Design Team ") {
		t.Errorf("one group: %q", parts[12:14])
	}
	if !strings.HasPrefix(parts[14], "user.username ") {
		t.Errorf("members header %q: want user.username first", parts[14])
	}
	if !strings.HasSuffix(strings.TrimSpace(out), "... and 14 more") {
		t.Errorf("members: 17 rows, 3 shown:\n%s", out)
	}
}

func TestREPLIteratorAcrossStatements(t *testing.T) {
	out, errs, err := runREPL(t, Options{}, "it = usergroup.list{pagesize = 2}\nit().name\nit().name\nit().name\n")
	if err != nil || errs != "" {
		t.Fatalf("err = %v, errors %q", err, errs)
	}
	if out != "Animation\nArchive Managers\nArt Department\n" {
		t.Errorf("stepping an iterator line by line: %q", out)
	}
}

// interruptWhenRunning calls r.Interrupt until a statement is running.
func interruptWhenRunning(t *testing.T, r *Session) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !r.Interrupt() {
		if time.Now().After(deadline) {
			t.Fatal("no statement started running")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestREPLInterrupt(t *testing.T) {
	r, out, errs := newREPL(t, Options{})
	if r.Interrupt() {
		t.Error("Interrupt with nothing running reports true")
	}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- r.Run(context.Background(), pr, out) }()
	for _, stmt := range []string{
		"while true do end",
		"for i = 1, 1e9 do for g in usergroup.list{pagesize = 1} do end end",
		"usergroup.list{pagesize = 1}", // interrupted while it walks? fast: may finish first
	} {
		io.WriteString(pw, stmt+"\n")
		if !strings.HasPrefix(stmt, "usergroup.list") {
			interruptWhenRunning(t, r)
		}
	}
	io.WriteString(pw, "'after'\n")
	pw.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}
	if n := strings.Count(errs.String(), "interrupted\n"); n != 2 {
		t.Errorf("errors %q: want 2 interruptions", errs.String())
	}
	if !strings.HasSuffix(out.String(), "after\n") {
		t.Errorf("output %q", out.String())
	}
}

func TestREPLTimeout(t *testing.T) {
	out, errs, err := runREPL(t, Options{Timeout: 100 * time.Millisecond}, "while true do end\n'next'\n")
	if err != nil || out != "next\n" {
		t.Errorf("err = %v, output %q", err, out)
	}
	if !strings.Contains(errs, "statement stopped: it ran longer than 100ms") {
		t.Errorf("errors %q", errs)
	}
}

func TestREPLContextEndsSession(t *testing.T) {
	r, out, _ := newREPL(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	defer pw.Close()
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx, pr, out) }()
	io.WriteString(pw, "1\n")
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run waits for input after its context ended")
	}
}

func TestREPLRedactsToken(t *testing.T) {
	// newEngine's emulator token is tok-engine-test. (print writes to the
	// engine's Stdout, which the command line scrubs.)
	out, errs, _ := runREPL(t, Options{}, "'tok-engine-test'\nerror('bad tok-engine-test')\n")
	if strings.Contains(out+errs, "tok-engine-test") {
		t.Errorf("the token is shown:\n%s%s", out, errs)
	}
	if !strings.HasPrefix(out, "REDACTED\n") || !strings.Contains(errs, "bad REDACTED") {
		t.Errorf("output %q, errors %q", out, errs)
	}
}

func TestREPLHelp(t *testing.T) {
	out, errs, err := runREPL(t, Options{}, ":help\n")
	if err != nil || errs != "" {
		t.Fatalf("err = %v, errors %q", err, errs)
	}
	for _, want := range []string{":help NAME", ":quit", "\nusergroup\n", "  list_details  Every user group with", "\nuser\n", "\njson\n", "  null ", "\ncsv\n", "\nlog\n"} {
		if !strings.Contains(out, want) {
			t.Errorf(":help does not contain %q:\n%s", want, out)
		}
	}
	out, _, _ = runREPL(t, Options{}, ":help usergroup.list\n")
	want := "usergroup.list(opts?: GroupListOptions): ListIterator<UserGroup>\n" +
		"  Every user group, page by page: a for-loop iterator with :all(), :first() and :count().\n" +
		"  opts: {name=, sortfield=, descending=, pagesize=}\n"
	if out != want {
		t.Errorf(":help usergroup.list:\n%s\nwant\n%s", out, want)
	}
	out, _, _ = runREPL(t, Options{}, ":help json.decode\n:h list\n")
	if !strings.HasPrefix(out, "json.decode(text: string): any\n") || !strings.Contains(out, "\nuser.list(opts?: UserListOptions)") {
		t.Errorf(":help json.decode, :h list:\n%s", out)
	}
}

// lines is a LineReader that returns its lines in turn, recording prompts.
type lines struct {
	items   []any // string or error
	prompts []string
}

func (l *lines) ReadLine(prompt string) (string, error) {
	l.prompts = append(l.prompts, prompt)
	if len(l.items) == 0 {
		return "", io.EOF
	}
	it := l.items[0]
	l.items = l.items[1:]
	if err, ok := it.(error); ok {
		return "", err
	}
	return it.(string), nil
}

func TestREPLInteractive(t *testing.T) {
	r, out, errs := newREPL(t, Options{})
	lr := &lines{items: []any{
		"for i = 1, 2 do",
		ErrLineCancelled, // Ctrl-C drops the unfinished loop
		"1 + 1",
		"for i = 1, 1 do",
		"print('in loop')",
		"end",
		"error('oops')",
		":quit",
		"'never'",
	}}
	if err := r.RunInteractive(context.Background(), lr, out); err != nil {
		t.Fatal(err)
	}
	wantPrompts := []string{Prompt, ContinuationPrompt, Prompt, Prompt, ContinuationPrompt, ContinuationPrompt, Prompt, Prompt}
	if strings.Join(lr.prompts, "|") != strings.Join(wantPrompts, "|") {
		t.Errorf("prompts %q, want %q", lr.prompts, wantPrompts)
	}
	if out.String() != "2\nin loop\n" {
		t.Errorf("output %q", out.String())
	}
	if errs.String() != "stdin:1: oops\n" {
		t.Errorf("errors %q", errs.String())
	}
	// Ctrl-D ends the session with no error, even after a failure.
	if err := r.RunInteractive(context.Background(), &lines{items: []any{"error('x')"}}, out); err != nil {
		t.Errorf("after Ctrl-D: %v", err)
	}
}

func TestREPLColor(t *testing.T) {
	_, errs, _ := runREPL(t, Options{Color: true}, "error('red')\n")
	if errs != "\x1b[31mstdin:1: red\x1b[0m\n" {
		t.Errorf("errors %q", errs)
	}
}
