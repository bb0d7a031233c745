package main

import (
	"runtime/debug"
	"testing"
)

// tuneGC sets the GC target that BENCHMARKS.md's listing and peak-memory
// figures were measured with, unless GOGC says otherwise.
func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	t.Setenv("GOGC", "")
	tuneGC()
	if got := debug.SetGCPercent(100); got != 300 {
		t.Errorf("GC target %d without GOGC, want 300", got)
	}
	t.Setenv("GOGC", "150")
	debug.SetGCPercent(150)
	tuneGC()
	if got := debug.SetGCPercent(100); got != 150 {
		t.Errorf("GC target %d with GOGC=150, want it left alone", got)
	}
}
