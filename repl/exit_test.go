package repl

import (
	"errors"
	"testing"

	"github.com/clickscript/clickscript/engine"
)

func TestOSExitEndsTheSession(t *testing.T) {
	out, errs, err := runREPL(t, Options{}, "print('before')\npcall(os.exit, 3)\nprint('after')\n")
	var xe *engine.ExitError
	if !errors.As(err, &xe) || xe.Code != 3 {
		t.Fatalf("err = %v, want os.exit's ExitError 3", err)
	}
	if out != "before\n" || errs != "" {
		t.Errorf("out %q, errs %q; want only the line before os.exit", out, errs)
	}
}
