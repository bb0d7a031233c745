// Command bench runs clickscript's benchmark programs side by side with
// their baselines and prints medians and ratios. Every server it starts
// listens on 127.0.0.1.
//
//	go run ./bench [-reps N] [CASE...]
//
// Cases: coldstart, emulator, list, memory, import, watch, latency
// (default: all).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

type benchCase struct {
	name string
	doc  string
	run  func(env *env) error
}

func cases() []benchCase {
	return []benchCase{
		{"coldstart", "clickscript run on an empty script vs a bare gopher-lua host vs python3 -c 'import requests'", coldStart},
		{"emulator", "emulator start with 1,000,000 groups; first page vs a deep page; requests per second for pages of 50", emulatorCase},
		{"list", "iterate 100,000 groups in pages of 50 and of 200: clickscript vs a Python requests page loop vs a bare Go loop", listCase},
		{"memory", "peak RSS of clickscript iterating 1,000,000 vs 10,000 groups", memoryCase},
		{"import", "import 100,000 relations: clickscript --concurrency 4 vs the same batches from Python requests", importCase},
		{"watch", "watch mode: save -> script start over 100 saves (p50, p95)", watchLatency},
		{"latency", "every request delayed 20 ms, then 100 ms: list, read members, import, sync; clickscript --concurrency 4 vs Python requests loops vs the floor, with the requests each made", latencyCase},
	}
}

// env is what every case shares: built binaries, a scratch directory and
// the repetition count.
type env struct {
	dir         string
	reps        int
	clickscript string // path of the built clickscript binary
	barehost    string
}

func main() {
	reps := flag.Int("reps", 15, "repetitions per measurement (the median is reported)")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: go run ./bench [-reps N] [CASE...]\n\ncases:\n")
		for _, c := range cases() {
			fmt.Fprintf(os.Stderr, "  %-10s %s\n", c.name, c.doc)
		}
	}
	flag.Parse()
	selected := cases()
	if flag.NArg() > 0 {
		selected = nil
		for _, name := range flag.Args() {
			i := slices.IndexFunc(cases(), func(c benchCase) bool { return c.name == name })
			if i < 0 {
				flag.Usage()
				os.Exit(2)
			}
			selected = append(selected, cases()[i])
		}
	}
	dir, err := os.MkdirTemp("", "clickscript-bench-")
	if err != nil {
		fatal(err)
	}
	defer os.RemoveAll(dir)
	e := &env{dir: dir, reps: *reps}
	fmt.Printf("machine: %s/%s, %d CPUs, %s; programs built with CGO_ENABLED=0\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	if e.clickscript, err = build(dir, "clickscript", "."); err != nil {
		fatal(err)
	}
	if e.barehost, err = build(dir, "barehost", "./bench/barehost"); err != nil {
		fatal(err)
	}
	for _, c := range selected {
		fmt.Printf("\n## %s: %s\n", c.name, c.doc)
		if err := c.run(e); err != nil {
			fatal(fmt.Errorf("%s: %w", c.name, err))
		}
	}
}

func bgctx() context.Context { return context.Background() }

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

// build compiles a package of this module into dir, as README.md says to
// build clickscript: without cgo, a static binary. With cgo, net's
// resolver links the C library, and every start pays the dynamic loader
// (about 30% more instructions to start clickscript); the bare baselines
// are built the same way.
func build(dir, name, pkg string) (string, error) {
	out := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build %s: %w", pkg, err)
	}
	return out, nil
}

// timeCommand runs argv reps times and returns the median wall time.
func timeCommand(reps int, argv ...string) (time.Duration, error) {
	var times []time.Duration
	for range reps {
		cmd := exec.Command(argv[0], argv[1:]...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return 0, fmt.Errorf("%s: %w: %s", strings.Join(argv, " "), err, stderr.String())
		}
		times = append(times, time.Since(start))
	}
	return median(times), nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ratio(a, b time.Duration) string {
	return fmt.Sprintf("%.2fx", float64(a)/float64(b))
}
