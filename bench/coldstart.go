package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// coldStart times a whole process running an empty script.
func coldStart(e *env) error {
	script := filepath.Join(e.dir, "empty.lua")
	if err := os.WriteFile(script, nil, 0o644); err != nil {
		return err
	}
	// Warm the page cache once for each so the first run is not an outlier.
	for _, argv := range [][]string{{e.clickscript, "run", script}, {e.barehost, script}} {
		if _, err := timeCommand(1, argv...); err != nil {
			return err
		}
	}
	cs, err := timeCommand(e.reps, e.clickscript, "run", "--url", "http://127.0.0.1:9", script)
	if err != nil {
		return err
	}
	bare, err := timeCommand(e.reps, e.barehost, script)
	if err != nil {
		return err
	}
	py, err := timeCommand(e.reps, "python3", "-c", "import requests")
	if err != nil {
		return err
	}
	fmt.Printf("| program | median of %d |\n|---|---|\n", e.reps)
	fmt.Printf("| clickscript run empty.lua | %v |\n| bare gopher-lua host | %v |\n| python3 -c 'import requests' | %v |\n", cs, bare, py)
	fmt.Printf("ratios: clickscript / bare host = %s (goal <= 2x); clickscript / python = %s (goal < 0.05x)\n", ratio(cs, bare), ratio(cs, py))
	return nil
}
