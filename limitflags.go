package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// limitFlags bound what a script may do: memory, and reach outside the API.
type limitFlags struct {
	maxMemory string
	sandbox   bool
}

func (l *limitFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&l.maxMemory, "max-memory", "", "stop the script when the heap passes this size (e.g. 256MiB, 1GiB)")
	l.registerSandbox(fs)
}

// registerSandbox registers --sandbox alone.
func (l *limitFlags) registerSandbox(fs *pflag.FlagSet) {
	fs.BoolVar(&l.sandbox, "sandbox", false, "disable os.execute, io.popen, loadlib, dofile/loadfile, os.exit and file writes; reading stays (for scripts you do not fully trust)")
}

// limits bound a script run (the zero value: no bound).
type limits struct {
	maxMemory int64 // bytes; 0: no limit
	sandbox   bool
}

// limits returns the limits the flags set.
func (l *limitFlags) limits() (limits, error) {
	n, err := l.bytes()
	return limits{maxMemory: n, sandbox: l.sandbox}, err
}

// bytes returns --max-memory in bytes (0: no limit).
func (l *limitFlags) bytes() (int64, error) {
	if l.maxMemory == "" {
		return 0, nil
	}
	n, err := parseSize(l.maxMemory)
	if err != nil {
		return 0, fmt.Errorf("--max-memory %q: %v", l.maxMemory, err)
	}
	if n < 16<<20 {
		return 0, fmt.Errorf("--max-memory %q: at least 16MiB, or the program itself does not fit", l.maxMemory)
	}
	return n, nil
}

// parseSize reads a size like 512MiB, 1GiB, 300MB or 1000000 (bytes).
// KB/MB/GB are taken as powers of 1024 too: nobody means 10^6 here.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(strings.ToUpper(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if rest, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f <= 0 {
		return 0, fmt.Errorf("want a size like 256MiB or 1GiB")
	}
	return int64(f * float64(mult)), nil
}
