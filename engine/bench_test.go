package engine

import (
	"context"
	"testing"
)

// BenchmarkNewState measures opening a state with every module: the part
// of a script's cold start that is clickscript's own.
func BenchmarkNewState(b *testing.B) {
	e := New(Options{})
	b.ReportAllocs()
	for b.Loop() {
		e.NewState(context.Background()).Close()
	}
}
