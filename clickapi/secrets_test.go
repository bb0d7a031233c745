package clickapi

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestSecretsIgnoreShortValues checks the rule against over-redaction: a
// value shorter than MinSecretLength (empty, "a", "adm", "admin") is not
// registered, so ordinary text keeps its letters; one of the minimum
// length is.
func TestSecretsIgnoreShortValues(t *testing.T) {
	var s Secrets
	for _, v := range []string{"", "a", "adm", "admin", strings.Repeat("x", MinSecretLength-1)} {
		if s.Add(v) {
			t.Errorf("Add(%q) registered a value shorter than %d bytes", v, MinSecretLength)
		}
	}
	text := "admin@example.com has a cat and xxxxxxx"
	if got := s.Redact(text); got != text {
		t.Errorf("short values redacted ordinary text: %q", got)
	}
	long := strings.Repeat("y", MinSecretLength)
	if !s.Add(long) || s.Redact("a "+long+" b") != "a REDACTED b" {
		t.Errorf("a value of %d bytes is not redacted: %q", MinSecretLength, s.Redact("a "+long+" b"))
	}
}

// TestSecretsRedact checks the forms Redact scrubs: the value itself, its
// JSON-escaped form (a password with a quote inside a JSON line), the
// token=... parameter; and that a nil set still scrubs the parameter.
func TestSecretsRedact(t *testing.T) {
	var s Secrets
	s.Add("tok-SECRET-1234")
	s.Add(`pa"ss<wo>rd`)
	line, _ := json.Marshal(map[string]string{"a": "x tok-SECRET-1234 y", "b": `pw pa"ss<wo>rd`})
	got := s.Redact(string(line) + " url?token=zz&x=1")
	if strings.Contains(got, "SECRET") || strings.Contains(got, "ss") || strings.Contains(got, "zz") {
		t.Errorf("Redact left a secret: %s", got)
	}
	if !json.Valid([]byte(strings.TrimSuffix(got, " url?token=REDACTED&x=1"))) {
		t.Errorf("Redact broke the JSON line: %s", got)
	}
	var none *Secrets
	if got := none.Redact("?token=abc"); got != "?token=REDACTED" {
		t.Errorf("nil set: %q", got)
	}
	// A secret that holds another is replaced whole.
	s.Add("tok-SECRET-1234-longer")
	if got := s.Redact("tok-SECRET-1234-longer"); got != "REDACTED" {
		t.Errorf("nested secret: %q", got)
	}
}

// TestWriterRedactsSplitSecrets writes text holding secrets in every
// split into two, and one byte at a time: the output never shows a
// secret, and once flushed is exactly the redacted text.
func TestWriterRedactsSplitSecrets(t *testing.T) {
	var s Secrets
	s.Add("tok-SECRET-ZX81")
	s.Add("SECRET-ZX81-and-more") // overlaps the first
	text := "print tok-SECRET-ZX81 and tok-SEC then SECRET-ZX81-and-more; GET /x?TOKEN=abc&y=1 and token=tail"
	want := s.Redact(text)
	check := func(name string, chunks []string) {
		t.Helper()
		var out bytes.Buffer
		w := NewWriter(&out, &s)
		for _, c := range chunks {
			if _, err := w.Write([]byte(c)); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out.String(), "ZX81") || strings.Contains(out.String(), "abc") {
				t.Fatalf("%s: a secret reached the stream: %q", name, out.String())
			}
		}
		w.Flush()
		if out.String() != want {
			t.Errorf("%s:\n got %q\nwant %q", name, out.String(), want)
		}
	}
	for i := 1; i < len(text); i++ {
		check("split at "+text[:i], []string{text[:i], text[i:]})
	}
	var bytesOneByOne []string
	for i := range len(text) {
		bytesOneByOne = append(bytesOneByOne, text[i:i+1])
	}
	check("one byte at a time", bytesOneByOne)
}

// TestWriterHoldsOnlyPossibleSecrets checks that a Writer writes at once
// what cannot start a secret (a prompt without a newline), and holds back
// only an end that could.
func TestWriterHoldsOnlyPossibleSecrets(t *testing.T) {
	var s Secrets
	s.Add("tok-SECRET-ZX81")
	var out bytes.Buffer
	w := NewWriter(&out, &s)
	w.Write([]byte("Continue? "))
	if out.String() != "Continue? " {
		t.Errorf("a prompt was held back: %q", out.String())
	}
	w.Write([]byte("id tok-SE"))
	if out.String() != "Continue? id " {
		t.Errorf("wrote %q, want the possible start of a secret held", out.String())
	}
	w.Flush()
	if out.String() != "Continue? id tok-SE" {
		t.Errorf("Flush wrote %q", out.String())
	}
}

// The cheap test before the token pattern lets through every spelling the
// pattern matches, the Kelvin sign for "k" included, and split across
// writes too.
func TestTokenParamPrefilter(t *testing.T) {
	for _, s := range []string{"?token=abc", "TOKEN=abc", "to\u212aen=abc", "x token=", "a&Token=b"} {
		if !tokenPattern().MatchString(s) {
			t.Fatalf("%q: the pattern itself does not match", s)
		}
		if !mayHoldTokenParam(s) || !mayHoldTokenParam([]byte(s)) {
			t.Errorf("%q: the prefilter skips a token parameter", s)
		}
		if got := Redact(s); strings.Contains(got, "abc") || !strings.Contains(got, Redacted) {
			t.Errorf("Redact(%q) = %q", s, got)
		}
	}
	for _, s := range []string{"", "group 1 name", "a=b", "x = 1", "n"} {
		if mayHoldTokenParam(s) {
			t.Errorf("%q: the prefilter sends plain text to the pattern", s)
		}
	}
	var out strings.Builder
	w := NewWriter(&out, nil)
	w.Write([]byte("see https://h/p?tok"))
	w.Write([]byte("en=abcdef&x=1\n"))
	w.Flush()
	if strings.Contains(out.String(), "abcdef") {
		t.Errorf("a token parameter split across writes: %q", out.String())
	}
}
