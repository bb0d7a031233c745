package printable

import "testing"

// hostile is what a hostile agent puts in an error message: a window
// title, a clear screen, then CR LF and a forged prompt.
const hostile = "\x1b]0;pwned\x07\x1b[2J\r\nfake prompt"

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Design Team", "Design Team"},
		{"", ""},
		{hostile, `\x1b]0;pwned\x07\x1b[2J\x0d\x0afake prompt`},
		{"a\tb\x7fc", `a\x09b\x7fc`},
		{"csi\u009b2J", `csi\x9b2J`},               // the one-character CSI of C1
		{"raw \x9b byte", `raw \x9b byte`},         // not UTF-8: the byte, escaped
		{"evil\u202egpj.exe", `evil\u202egpj.exe`}, // right-to-left override
		{"one\u2028two", `one\u2028two`},           // line separator
		{`C:\temp é 日本 🙂 �`, `C:\temp é 日本 🙂 �`},   // backslashes and text kept
	}
	for _, tt := range tests {
		if got := Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMessage(t *testing.T) {
	tests := []struct{ in, want string }{
		{"line 1\n\tline 2", "line 1\n\tline 2"},
		{hostile, "\\x1b]0;pwned\\x07\\x1b[2J\\x0d\nfake prompt"},
		{"bad \xff\n", "bad \\xff\n"},
	}
	for _, tt := range tests {
		if got := Message(tt.in); got != tt.want {
			t.Errorf("Message(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestSafeTextIsShared checks that text with nothing to escape comes back
// as the same string (no copy): most messages have none.
func TestSafeTextIsShared(t *testing.T) {
	if n := testing.AllocsPerRun(10, func() { _ = Escape("Design Team 日本") }); n != 0 {
		t.Errorf("%v allocations for safe text", n)
	}
}

func TestJSON(t *testing.T) {
	tests := []struct{ in, want string }{
		{"{\n  \"a\": \"\\u001b[2J\"\n}", "{\n  \"a\": \"\\u001b[2J\"\n}"},
		{`["del\u007f csi\u009b2J evil\u202etxt"]`, `["del\u007f csi\u009b2J evil\u202etxt"]`},
		{"[\"del\x7f csi\u009b2J evil\u202etxt\"]", `["del\u007f csi\u009b2J evil\u202etxt"]`},
	}
	for _, tt := range tests {
		if got := JSON(tt.in); got != tt.want {
			t.Errorf("JSON(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
