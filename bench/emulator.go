package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// startEmulatorProcess runs `clickscript emulator --addr 127.0.0.1:0 ARGS`
// and returns its URL once it listens, and a function that stops it.
func startEmulatorProcess(e *env, args ...string) (string, func(), error) {
	cmd := exec.Command(e.clickscript, append([]string{"emulator", "--addr", "127.0.0.1:0"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if url, ok := strings.CutPrefix(sc.Text(), "emulator listening on "); ok {
			go io.Copy(io.Discard, out)
			return url, stop, nil
		}
	}
	stop()
	return "", nil, fmt.Errorf("emulator printed no URL")
}

// emulatorCase measures the emulator itself: start-up with a large
// dataset, the cost of a deep page against the first, and throughput.
func emulatorCase(e *env) error {
	const groups = 1_000_000
	start := time.Now()
	// A process of its own, as the agent is: its heap must not weigh on
	// the other cases' measurements (peak RSS above all).
	url, stop, err := startEmulatorProcess(e, "--seed", "none", "--groups", fmt.Sprint(groups), "--token", "bench")
	if err != nil {
		return err
	}
	defer stop()
	fmt.Printf("start with %d groups (process start to listening): %v\n", groups, time.Since(start).Round(time.Millisecond))
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	page := func(n int) error {
		resp, err := client.Get(fmt.Sprintf("%s/usergroup/get_all?token=bench&page=%d&pagesize=50", url, n))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != 200 {
			return fmt.Errorf("page %d: status %d", n, resp.StatusCode)
		}
		return err
	}
	timePage := func(n int) (time.Duration, error) {
		var ds []time.Duration
		for range e.reps * 20 {
			t := time.Now()
			if err := page(n); err != nil {
				return 0, err
			}
			ds = append(ds, time.Since(t))
		}
		return median(ds), nil
	}
	first, err := timePage(1)
	if err != nil {
		return err
	}
	deep, err := timePage(19_000)
	if err != nil {
		return err
	}
	last, err := timePage(groups / 50)
	if err != nil {
		return err
	}
	fmt.Printf("| page of 50 (over HTTP, median of %d) | time |\n|---|---|\n", e.reps*20)
	fmt.Printf("| page 1 | %v |\n| page 19,000 | %v |\n| page 20,000 (the last) | %v |\n", first, deep, last)
	fmt.Printf("ratio deep / first = %s, last / first = %s (goal <= 2x)\n", ratio(deep, first), ratio(last, first))

	// Throughput: 4 clients fetching pages of 50 for 2 seconds.
	var n atomic.Int64
	deadline := time.Now().Add(2 * time.Second)
	var wg sync.WaitGroup
	var firstErr atomic.Value
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; time.Now().Before(deadline); i += 4 {
				if err := page(1 + i%20000); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return err
	}
	fmt.Printf("emulator throughput, pages of 50, 4 clients: %.0f requests/s\n", float64(n.Load())/2)
	return nil
}
