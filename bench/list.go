package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// listCase walks 100,000 groups three ways against one emulator process,
// in pages of 50 and then of 200: clickscript's `for g in usergroup.list{}`
// loop, the Python requests page loop users write instead, and a bare Go
// net/http + encoding/json loop. Small pages weigh the cost per request,
// big ones the cost per record.
func listCase(e *env) error {
	const groups = 100_000
	url, stop, err := startEmulatorProcess(e, "--seed", "none", "--groups", fmt.Sprint(groups), "--token", "bench")
	if err != nil {
		return err
	}
	defer stop()
	barelist, err := build(e.dir, "barelist", "./bench/barelist")
	if err != nil {
		return err
	}
	for _, pageSize := range []int{50, 200} {
		if err := listPages(e, url, barelist, groups, pageSize); err != nil {
			return err
		}
	}
	return nil
}

// listPages times the three listings of groups in pages of pageSize.
func listPages(e *env, url, barelist string, groups, pageSize int) error {
	size := fmt.Sprint(pageSize)
	script := filepath.Join(e.dir, "list"+size+".lua")
	src := "local n = 0\nfor g in usergroup.list{pagesize = " + size + "} do n = n + 1 end\nprint(n)\n"
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		return err
	}
	py, _ := filepath.Abs("bench/list_baseline.py")
	programs := []struct {
		name string
		argv []string
	}{
		{"clickscript: for g in usergroup.list{pagesize = " + size + "}", []string{e.clickscript, "run", "--url", url, "--token", "bench", script}},
		{"python3 requests page loop (keep-alive Session)", []string{"python3", py, url, "bench", size}},
		{"bare Go net/http + encoding/json loop", []string{barelist, url, "bench", size}},
	}
	reps := max(3, e.reps)
	times := make([][]time.Duration, len(programs))
	for range reps { // interleaved, so that machine noise hits all alike
		for i, p := range programs {
			d, out, err := runOnce(p.argv)
			if err != nil {
				return err
			}
			if strings.TrimSpace(out) != fmt.Sprint(groups) {
				return fmt.Errorf("%s counted %q groups, want %d", p.name, strings.TrimSpace(out), groups)
			}
			times[i] = append(times[i], d)
		}
	}
	cs, pyt, bare := median(times[0]), median(times[1]), median(times[2])
	fmt.Printf("\n| %d groups, pages of %d (%d requests), median of %d | time |\n|---|---|\n", groups, pageSize, groups/pageSize, reps)
	for i, p := range programs {
		fmt.Printf("| %s | %v |\n", p.name, median(times[i]).Round(time.Millisecond))
	}
	fmt.Printf("ratios, pages of %d: python / clickscript = %.2fx (goal >= 2x); clickscript / bare Go = %.2fx (goal <= 1.15x)\n",
		pageSize, float64(pyt)/float64(cs), float64(cs)/float64(bare))
	return nil
}

// runOnce runs argv and returns its wall time and stdout.
func runOnce(argv []string) (time.Duration, string, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		return 0, "", fmt.Errorf("%s: %w\n%s", argv[0], err, stderr.String())
	}
	return d, stdout.String(), nil
}

// memoryCase compares clickscript's peak RSS iterating 1,000,000 groups
// with iterating 10,000: a lazy pager keeps it flat.
func memoryCase(e *env) error {
	script := filepath.Join(e.dir, "walk.lua")
	if err := os.WriteFile(script, []byte("local n = 0\nfor g in usergroup.list{pagesize = 500} do n = n + 1 end\nprint(n)\n"), 0o644); err != nil {
		return err
	}
	rss := map[int]int64{}
	for _, n := range []int{10_000, 1_000_000} {
		url, stop, err := startEmulatorProcess(e, "--seed", "none", "--groups", fmt.Sprint(n), "--token", "bench")
		if err != nil {
			return err
		}
		cmd := exec.Command(e.clickscript, "run", "--url", url, "--token", "bench", script)
		out, err := cmd.Output()
		stop()
		if err != nil {
			return fmt.Errorf("walk %d: %w", n, err)
		}
		if strings.TrimSpace(string(out)) != fmt.Sprint(n) {
			return fmt.Errorf("walk %d counted %s", n, out)
		}
		rss[n] = maxRSS(cmd.ProcessState)
	}
	if rss[10_000] <= 0 {
		fmt.Println("peak RSS is not available on this system")
		return nil
	}
	fmt.Printf("| groups walked (pages of 500) | clickscript peak RSS |\n|---|---|\n| 10,000 | %.1f MiB |\n| 1,000,000 | %.1f MiB |\n",
		float64(rss[10_000])/(1<<20), float64(rss[1_000_000])/(1<<20))
	fmt.Printf("ratio 1,000,000 / 10,000 = %.2fx (goal <= 1.5x)\n", float64(rss[1_000_000])/float64(rss[10_000]))
	return nil
}
