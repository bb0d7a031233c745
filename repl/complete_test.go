package repl

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestComplete(t *testing.T) {
	r, out, _ := newREPL(t, Options{})
	setup := "g = {alpha = 1, beta = {gamma = 2}, [3] = 'x', ['not ident'] = 4}\n" +
		"it = usergroup.list{}\n" +
		"s = 'text'\n"
	if err := r.Run(context.Background(), strings.NewReader(setup), out); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		line       string
		pos        int // -1: the end of line
		want       []string
		wantPrefix string
	}{
		{"usergroup.li", -1, []string{"list", "list_details"}, "li"},
		{"usergroup.list", -1, []string{"list", "list_details"}, "list"},
		{"usergroup.fi", -1, []string{"find"}, "fi"},
		{"local x = usergroup.fi", -1, []string{"find"}, "fi"},
		{"print(usergroup.ins", -1, []string{"insert"}, "ins"},
		{"usergroup.li + 1", 12, []string{"list", "list_details"}, "li"},
		{"userg", -1, []string{"usergroup"}, "userg"},
		{"fu", -1, []string{"function"}, "fu"},
		{"g.", -1, []string{"alpha", "beta"}, ""},
		{"g.beta.g", -1, []string{"gamma"}, "g"},
		{"it:", -1, []string{"all", "close", "count", "first"}, ""},
		{"it:c", -1, []string{"close", "count"}, "c"},
		{"s:up", -1, []string{"upper"}, "up"},
		{"json.nu", -1, []string{"null"}, "nu"},
		{"string.fo", -1, []string{"format"}, "fo"},
		{"nosuch.x", -1, nil, ""},
		{"g.alpha.x", -1, nil, ""},
		{`print("usergroup.li`, -1, nil, ""},
		{"x = 1 -- usergroup.li", -1, nil, ""},
		{"1.5", -1, nil, ""},
		{":he", -1, []string{":help"}, ":he"},
		{":", -1, []string{":help", ":quit"}, ":"},
		{":help usergroup.li", -1, []string{"usergroup.list", "usergroup.list_details"}, "usergroup.li"},
		{":help js", -1, []string{"json", "json.array", "json.decode", "json.encode", "json.null", "json.object"}, "js"},
		{":quit x", -1, nil, ""},
	}
	for _, tt := range tests {
		pos := tt.pos
		if pos < 0 {
			pos = len([]rune(tt.line))
		}
		got, prefix := r.Complete(tt.line, pos)
		if !slices.Equal(got, tt.want) || len(got) > 0 && prefix != tt.wantPrefix {
			t.Errorf("Complete(%q, %d) = %q, %q; want %q, %q", tt.line, pos, got, prefix, tt.want, tt.wantPrefix)
		}
	}
	// Globals include the modules and Lua's own functions and keywords.
	got, _ := r.Complete("", 0)
	for _, want := range []string{"usergroup", "user", "json", "csv", "log", "print", "pairs", "g", "it", "while"} {
		if !slices.Contains(got, want) {
			t.Errorf("globals lack %q", want)
		}
	}
}

func TestCompleteWhileRunning(t *testing.T) {
	r, _, _ := newREPL(t, Options{})
	r.busy.Lock()
	defer r.busy.Unlock()
	if got, _ := r.Complete("usergroup.li", 12); got != nil {
		t.Errorf("completion while a statement runs: %q", got)
	}
}
