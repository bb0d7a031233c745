// Package printable makes text that came from elsewhere (an agent's
// answers, a file's name) safe to show on a terminal: control characters
// cannot clear the screen, retitle the window, move the cursor or forge a
// line, because they are shown as escapes ("\x1b") instead of being sent.
package printable

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escape returns s with every character a terminal would act on written
// as a visible escape: C0 controls (tab, CR and LF included) and DEL as
// \xNN, C1 controls as \xNN, bidirectional and line-separator formatting
// characters as \uNNNN, and bytes that are not UTF-8 as \xNN. Everything
// else, backslashes included, is kept as it is. Use it for a piece of
// remote text inside a message (a name, an error message of the agent).
func Escape(s string) string { return escape(s, false) }

// Message is Escape for a whole message that may span lines: it keeps
// newlines and tabs and escapes the rest. Use it where a message is
// written, for messages that may hold remote text put there by a script.
func Message(s string) string { return escape(s, true) }

// JSON makes encoded JSON text safe to show and still valid JSON: what
// Message would escape is written as a JSON escape (\u007f, \u009b,
// \u202e) instead. An encoder escapes C0 controls inside strings already,
// so only DEL, C1 controls and the misleading formatting characters are
// left for it; text that is not UTF-8 is not JSON and is escaped as by
// Message.
func JSON(s string) string {
	if safe(s, true) {
		return s
	}
	if !utf8.ValidString(s) {
		return Message(s)
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for _, r := range s {
		if r != '\n' && r != '\t' && (unicode.IsControl(r) || misleading(r)) {
			fmt.Fprintf(&b, `\u%04x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func escape(s string, keepLines bool) string {
	if safe(s, keepLines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case keepLines && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case unicode.IsControl(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case misleading(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// safe reports whether s needs no escape, without allocating.
func safe(s string, keepLines bool) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			return false
		case keepLines && (r == '\n' || r == '\t'):
		case unicode.IsControl(r), misleading(r):
			return false
		}
		i += n
	}
	return true
}

// misleading reports whether r, not a control character, still changes
// how the text around it is shown: bidirectional overrides, embeddings,
// isolates and marks (which can show text in another order than it is)
// and the Unicode line and paragraph separators.
func misleading(r rune) bool {
	switch {
	case r == 0x061c, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x2028, r == 0x2029:
		return true
	}
	return false
}
