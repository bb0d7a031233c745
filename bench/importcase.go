package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/clickscript/clickscript/clickapi"
)

// importCase imports 100,000 relations through clickscript (validation,
// resolution and batches of 500 with --concurrency 4) and, on a fresh
// emulator with the same data, sends the same batches one after another
// from a Python requests script like the vendor's samples.
func importCase(e *env) error {
	const relations, groups, batch = 100_000, 100, 500
	dir := e.dir
	var csv strings.Builder
	csv.WriteString("username,firstName,lastName,group\n")
	var rels []clickapi.UserUserGroupRelation
	// Group ids are deterministic: a throwaway emulator tells them.
	url, stop, err := startEmulatorProcess(e, importEmulatorArgs()...)
	if err != nil {
		return err
	}
	c, _ := clickapi.New(clickapi.Options{BaseURL: url, Token: "bench"})
	gs, err := c.UserGroups(bgctx(), clickapi.ListOptions{PageSize: 1000}).All()
	stop()
	if err != nil {
		return err
	}
	for i := range relations {
		g := gs[i%groups]
		user := fmt.Sprintf("person%06d@example.com", i)
		fmt.Fprintf(&csv, "%s,Person,%06d,%s\n", user, i, g.Name)
		rels = append(rels, clickapi.UserUserGroupRelation{User: clickapi.ImportUser{Username: user, FirstName: "Person", LastName: fmt.Sprintf("%06d", i)},
			UserGroups: []clickapi.GroupRef{{ID: g.ID}}})
	}
	csvPath := filepath.Join(dir, "memberships.csv")
	if err := os.WriteFile(csvPath, []byte(csv.String()), 0o644); err != nil {
		return err
	}
	var batches [][]clickapi.UserUserGroupRelation
	for from := 0; from < len(rels); from += batch {
		batches = append(batches, rels[from:min(from+batch, len(rels))])
	}
	batchesPath := filepath.Join(dir, "batches.json")
	data, _ := json.Marshal(batches)
	if err := os.WriteFile(batchesPath, data, 0o644); err != nil {
		return err
	}
	script, _ := filepath.Abs("scripts/import_memberships.lua")
	py, _ := filepath.Abs("bench/import_baseline.py")

	reps := max(1, e.reps/5)
	var csTimes, pyTimes []time.Duration
	for range reps {
		d, err := timeOnFreshEmulator(e, func(url, token string) []string {
			return []string{e.clickscript, "run", "--url", url, "--token", token, "--concurrency", "4", script, "--", csvPath}
		})
		if err != nil {
			return err
		}
		csTimes = append(csTimes, d)
		d, err = timeOnFreshEmulator(e, func(url, token string) []string {
			return []string{"python3", py, url, token, batchesPath}
		})
		if err != nil {
			return err
		}
		pyTimes = append(pyTimes, d)
	}
	cs, pyt := median(csTimes), median(pyTimes)
	fmt.Printf("| %d relations into %d groups, batches of %d, median of %d | time |\n|---|---|\n", relations, groups, batch, reps)
	fmt.Printf("| clickscript import_memberships.lua --concurrency 4 (validates, resolves, skips existing) | %v |\n", cs.Round(time.Millisecond))
	fmt.Printf("| python3 requests, same batches one after another | %v |\n", pyt.Round(time.Millisecond))
	fmt.Printf("ratio: python / clickscript = %.2fx faster (goal >= 3x)\n", float64(pyt)/float64(cs))
	return nil
}

// importEmulatorArgs start the emulator of the import case: 100 groups
// with deterministic ids.
func importEmulatorArgs() []string {
	return []string{"--seed", "none", "--groups", "100", "--deterministic", "--token", "bench"}
}

// timeOnFreshEmulator starts a new `clickscript emulator` process (its own
// heap and cores, as a real agent would be), runs the command argv(url,
// token) gives, checks that every relation landed, and returns the
// command's wall time.
func timeOnFreshEmulator(e *env, argv func(url, token string) []string) (time.Duration, error) {
	url, stop, err := startEmulatorProcess(e, importEmulatorArgs()...)
	if err != nil {
		return 0, err
	}
	defer stop()
	args := argv(url, "bench")
	cmd := exec.Command(args[0], args[1:]...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("%s: %w\n%s", args[0], err, stderr.String())
	}
	d := time.Since(start)
	c, _ := clickapi.New(clickapi.Options{BaseURL: url, Token: "bench"})
	gs, err := c.UserGroups(bgctx(), clickapi.ListOptions{PageSize: 1000}).All()
	if err != nil {
		return 0, err
	}
	total := 0
	for _, g := range gs {
		page, err := c.ListAssignedUsers(bgctx(), g.ID, clickapi.ListOptions{PageSize: 1})
		if err != nil {
			return 0, err
		}
		total += page.Total
	}
	if total != 100_000 {
		return 0, fmt.Errorf("%s left %d memberships, want 100000", args[0], total)
	}
	return d, nil
}
