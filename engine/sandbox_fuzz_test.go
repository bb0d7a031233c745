package engine

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sandboxOps are the statements FuzzSandbox draws from: every route to a
// writer of the standard library and the project's modules, including
// calls of every function of a module with a path. %P and %Q are paths,
// %M a mode, %S a string, all chosen by the fuzzer.
func sandboxOps() []string {
	return []string{
		`io.open(%P, %M)`,
		`local f = io.open(%P, %M) if f then f:write(%S) f:close() end`,
		`io.output(%P) io.write(%S)`,
		`io.output(%P):write(%S)`,
		`io.input(%P) io.read(%M)`,
		`for l in io.lines(%P) do end`,
		`os.remove(%P)`,
		`os.rename(%P, %Q)`,
		`os.tmpname()`,
		`io.tmpfile():write(%S)`,
		`io.popen("echo > " .. %P)`,
		`os.execute("echo > " .. %P)`,
		`csv.write(%P, {{a = %S}})`,
		`csv.write(%P, {{a = 1}}, {columns = {"a"}, sep = %S})`,
		`package.loaded.csv = nil; require("csv").write(%P, {{a = %S}}, {columns = {"a"}})`,
		`package.preload.csv("csv").write(%P, {{a = 1}})`,
		`package.loaders[1]("csv")("csv").write(%P, {{a = 1}})`,
		`package.loaded.io = nil; require("io").open(%P, %M)`,
		`package.loaded.os = nil; require("os").remove(%P)`,
		`package.path = %D .. "/?.lua"; require("mod")`,
		`dofile(%D .. "/mod.lua")`,
		`loadfile(%D .. "/mod.lua")()`,
		`package.loadlib(%P, "luaopen_x")()`,
		`debug.getfenv(require).io.open(%P, %M)`,
		`getfenv(0).io.open(%P, %M):write(%S)`,
		`debug.getupvalue(io.lines, 1).open(%P, %M)`,
		`for _, v in pairs(io) do if type(v) == "function" then pcall(v, %P, %M) end end`,
		`for _, v in pairs(os) do if type(v) == "function" then pcall(v, %P, %Q) end end`,
		`for _, v in pairs(csv) do pcall(v, %P, {{a = %S}}) end`,
		`for _, m in ipairs{"json", "csv", "log"} do for _, v in pairs(package.preload[m](m)) do if type(v) == "function" then pcall(v, %P, {{a = %S}}) end end end`,
		`json.decode(%S)`,
		`log.info(%S)`,
		`setfenv(1, {io = io}) io.open(%P, %M)`,
		`io.stdin:write(%S)`,
		`coroutine.wrap(function() io.open(%P, %M):write(%S) end)()`,
	}
}

// sandboxModes are the modes FuzzSandbox passes to io.open and io.read.
func sandboxModes() []string {
	return []string{"r", "rb", "w", "wb", "a", "ab", "r+", "rb+", "w+", "wb+", "a+", "ab+", "*a", "*l"}
}

// buildSandboxSnippet turns the fuzzer's bytes into a script: each byte
// picks a statement, the next ones its paths and mode. Each statement runs
// in a pcall, so that one refusal does not hide the next route.
func buildSandboxSnippet(dir string, prog []byte, s string) string {
	ops := sandboxOps()
	modes := sandboxModes()
	// Paths inside dir only; the fuzzer's string becomes a file name.
	name := fmt.Sprintf("f%x", []byte(s))
	if len(name) > 40 {
		name = name[:40]
	}
	paths := []string{
		filepath.Join(dir, "in.txt"), filepath.Join(dir, "new.txt"), filepath.Join(dir, "sub"),
		filepath.Join(dir, "sub", "new.txt"), "rel.txt", filepath.Join(dir, name),
	}
	next := func(i *int) byte {
		if *i >= len(prog) {
			return 0
		}
		b := prog[*i]
		*i++
		return b
	}
	var b strings.Builder
	// Reads of the default input read a file, never the test's stdin.
	fmt.Fprintf(&b, "io.input(%q)\n", paths[0])
	for i := 0; i < len(prog) && i < 64*4; {
		op := ops[int(next(&i))%len(ops)]
		p, q := paths[int(next(&i))%len(paths)], paths[int(next(&i))%len(paths)]
		m := strconv.Quote(s)
		if k := int(next(&i)); k%(len(modes)+1) < len(modes) {
			m = strconv.Quote(modes[k%(len(modes)+1)])
		}
		r := strings.NewReplacer("%P", strconv.Quote(p), "%Q", strconv.Quote(q), "%M", m, "%S", strconv.Quote(s), "%D", strconv.Quote(dir))
		fmt.Fprintf(&b, "pcall(function() %s end)\n", r.Replace(op))
	}
	return b.String()
}

// snapshot lists every entry under dir with its size, mode and time of
// change.
func snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out[path] = fmt.Sprintf("%d %v %v", info.Size(), info.Mode(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sandboxFixture makes the directory the snippets work in (the working
// directory and TMPDIR of the test too) with a file to read, a directory
// and a module that writes a file when it is loaded.
func sandboxFixture(f *testing.F) string {
	dir := f.TempDir()
	os.WriteFile(filepath.Join(dir, "in.txt"), []byte("a\n1\n"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	os.Mkdir(filepath.Join(dir, "tmp"), 0o755)
	mod := fmt.Sprintf("local f = io.open(%q, \"w\") f:write(\"loaded\") f:close() return true", filepath.Join(dir, "pwned.txt"))
	os.WriteFile(filepath.Join(dir, "mod.lua"), []byte(mod), 0o644)
	f.Chdir(dir)
	f.Setenv("TMPDIR", filepath.Join(dir, "tmp"))
	return dir
}

// sandboxSeeds are programs that reach each statement with each path.
func sandboxSeeds() [][]byte {
	var seeds [][]byte
	for op := range sandboxOps() {
		for p := range 6 {
			seeds = append(seeds, []byte{byte(op), byte(p), byte(p + 1), byte(op + p)})
		}
	}
	return seeds
}

// FuzzSandbox runs snippets drawn from the standard library and the
// project's modules under the sandbox: none may create, change or remove
// a file, in the working directory or in TMPDIR.
func FuzzSandbox(f *testing.F) {
	dir := sandboxFixture(f)
	e, _ := newEngine(f)
	e.opts.Sandbox = true
	for _, s := range sandboxSeeds() {
		f.Add(s, "x")
	}
	f.Fuzz(func(t *testing.T, prog []byte, s string) {
		before := snapshot(t, dir)
		src := buildSandboxSnippet(dir, prog, s)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- e.Run(ctx, Script{Name: "fuzz.lua", Source: src}, nil) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("the snippet failed outside its pcalls: %v\n%s", err, src)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("the snippet still runs after 20s:\n%s", src)
		}
		after := snapshot(t, dir)
		for p, st := range after {
			if before[p] != st {
				t.Fatalf("%s changed (%q -> %q) under the sandbox; snippet:\n%s", p, before[p], st, src)
			}
		}
		for p := range before {
			if _, ok := after[p]; !ok {
				t.Fatalf("%s was removed under the sandbox; snippet:\n%s", p, src)
			}
		}
	})
}

// TestSandboxFuzzHarnessSeesWrites runs FuzzSandbox's seeds without the
// sandbox: they must change the directory, or the fuzz target could not
// fail.
func TestSandboxFuzzHarnessSeesWrites(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "in.txt"), []byte("a\n1\n"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	mod := fmt.Sprintf("local f = io.open(%q, \"w\") f:write(\"loaded\") f:close() return true", filepath.Join(dir, "pwned.txt"))
	os.WriteFile(filepath.Join(dir, "mod.lua"), []byte(mod), 0o644)
	e, _ := newEngine(t)
	changed := 0
	for _, op := range []string{"csv.write", "require(\"csv\")", "package.preload.csv", "dofile", "io.output(%P) io.write"} {
		idx := -1
		for i, o := range sandboxOps() {
			if strings.Contains(o, op) {
				idx = i
				break
			}
		}
		if idx < 0 {
			t.Fatalf("no statement uses %s", op)
		}
		before := snapshot(t, dir)
		src := buildSandboxSnippet(dir, []byte{byte(idx), 1, 2, 2}, "x")
		if err := e.Run(context.Background(), Script{Name: "fuzz.lua", Source: src}, nil); err != nil {
			t.Fatal(err)
		}
		after := snapshot(t, dir)
		if fmt.Sprint(before) != fmt.Sprint(after) {
			changed++
		} else {
			t.Errorf("%s changed nothing without the sandbox:\n%s", op, src)
		}
		os.Remove(filepath.Join(dir, "new.txt"))
		os.Remove(filepath.Join(dir, "pwned.txt"))
	}
	if changed == 0 {
		t.Error("no seed wrote without the sandbox")
	}
}
