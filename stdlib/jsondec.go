package stdlib

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// DecodeJSON parses data, which must hold exactly one JSON value (surrounded
// by optional whitespace), into a Lua value of L. Objects become tables
// marked as objects (so that they encode back as objects even once emptied),
// arrays become array tables, numbers become Lua numbers, and null becomes
// L's json.null, in arrays and objects alike. Duplicate object keys keep the
// last value. A \u escape of a lone UTF-16 surrogate decodes as U+FFFD.
// Strings must be valid UTF-8, and nesting deeper than MaxDepth is refused.
// The error is a *JSONSyntaxError locating the problem.
func DecodeJSON(L *lua.LState, data string) (lua.LValue, error) {
	d := newDecoder(L, data)
	return d.decode()
}

// JSONSyntaxError reports where and why a JSON text failed to decode. Offset
// is the number of bytes before the problem; Line and Column (both 1-based,
// the column counted in bytes) are the same place for a reader.
type JSONSyntaxError struct {
	Offset int
	Line   int
	Column int
	Msg    string
}

// Error returns the location and the problem, as in
// "line 3, column 5 (offset 27): invalid character 'x' looking for the beginning of a value".
func (e *JSONSyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d (offset %d): %s", e.Line, e.Column, e.Offset, e.Msg)
}

// decoder is a recursive-descent JSON parser that builds Lua values directly.
type decoder struct {
	L        *lua.LState
	s        string
	pos      int
	depth    int
	null     lua.LValue
	objectMT *lua.LTable
	vals     []lua.LValue      // pending elements and member values, shared by all levels
	keys     []string          // pending member keys, shared by all levels
	scratch  []byte            // unescaped string being built
	intern   map[string]string // object keys seen so far, to share their memory
}

func newDecoder(L *lua.LState, s string) *decoder {
	return &decoder{
		L:        L,
		s:        s,
		null:     Null(L),
		objectMT: markerMeta(L, regObjectMT, "object"),
	}
}

func (d *decoder) decode() (lua.LValue, error) {
	d.skipSpace()
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.pos < len(d.s) {
		return nil, d.errorf("invalid character %s after the top-level value", d.describe())
	}
	return v, nil
}

func (d *decoder) errorf(format string, args ...any) error {
	return d.errorAt(d.pos, fmt.Sprintf(format, args...))
}

func (d *decoder) errorAt(off int, msg string) error {
	line := 1 + strings.Count(d.s[:off], "\n")
	col := off - strings.LastIndexByte(d.s[:off], '\n')
	return &JSONSyntaxError{Offset: off, Line: line, Column: col, Msg: msg}
}

// describe names the character at d.pos for an error message.
func (d *decoder) describe() string {
	if d.pos >= len(d.s) {
		return "end of input"
	}
	c := d.s[d.pos]
	if c < utf8.RuneSelf {
		if c >= 0x20 && c < 0x7f {
			return strconv.QuoteRune(rune(c))
		}
		return fmt.Sprintf("U+%04X", c)
	}
	r, size := utf8.DecodeRuneInString(d.s[d.pos:])
	if r == utf8.RuneError && size == 1 {
		return fmt.Sprintf("byte 0x%02x (invalid UTF-8)", c)
	}
	return strconv.QuoteRune(r)
}

func (d *decoder) unexpected(context string) error {
	if d.pos >= len(d.s) {
		return d.errorf("unexpected end of input %s", context)
	}
	return d.errorf("invalid character %s %s", d.describe(), context)
}

func (d *decoder) skipSpace() {
	for d.pos < len(d.s) {
		switch d.s[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) value() (lua.LValue, error) {
	if d.pos >= len(d.s) {
		return nil, d.unexpected("looking for the beginning of a value")
	}
	switch c := d.s[d.pos]; c {
	case '{':
		return d.object()
	case '[':
		return d.array()
	case '"':
		s, err := d.str(false)
		if err != nil {
			return nil, err
		}
		return lua.LString(s), nil
	case 't':
		return lua.LTrue, d.literal("true")
	case 'f':
		return lua.LFalse, d.literal("false")
	case 'n':
		return d.null, d.literal("null")
	default:
		if c == '-' || '0' <= c && c <= '9' {
			return d.number()
		}
		return nil, d.unexpected("looking for the beginning of a value")
	}
}

func (d *decoder) literal(word string) error {
	for i := 0; i < len(word); i++ {
		if d.pos >= len(d.s) || d.s[d.pos] != word[i] {
			return d.unexpected(fmt.Sprintf("in literal %s (expecting %q)", word, word[i]))
		}
		d.pos++
	}
	return nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// number parses -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func (d *decoder) number() (lua.LValue, error) {
	start := d.pos
	if d.s[d.pos] == '-' {
		d.pos++
	}
	digits := func(context string) error {
		if d.pos >= len(d.s) || !isDigit(d.s[d.pos]) {
			return d.unexpected(context)
		}
		for d.pos < len(d.s) && isDigit(d.s[d.pos]) {
			d.pos++
		}
		return nil
	}
	switch {
	case d.pos < len(d.s) && d.s[d.pos] == '0':
		d.pos++
	default:
		if err := digits("in numeric literal"); err != nil {
			return nil, err
		}
	}
	if d.pos < len(d.s) && d.s[d.pos] == '.' {
		d.pos++
		if err := digits("after decimal point in numeric literal"); err != nil {
			return nil, err
		}
	}
	if d.pos < len(d.s) && (d.s[d.pos] == 'e' || d.s[d.pos] == 'E') {
		d.pos++
		if d.pos < len(d.s) && (d.s[d.pos] == '+' || d.s[d.pos] == '-') {
			d.pos++
		}
		if err := digits("in exponent of numeric literal"); err != nil {
			return nil, err
		}
	}
	text := d.s[start:d.pos]
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		// The syntax is checked above, so this is a magnitude beyond float64.
		return nil, d.errorAt(start, fmt.Sprintf("number %s is out of range", text))
	}
	return lua.LNumber(f), nil
}

// str parses a string starting at the opening quote. With key set, the
// result is interned, since objects in one text tend to repeat their keys.
func (d *decoder) str(key bool) (string, error) {
	d.pos++ // opening quote
	start := d.pos
	for d.pos < len(d.s) {
		c := d.s[d.pos]
		switch {
		case c == '"':
			s := d.s[start:d.pos]
			d.pos++
			if key {
				return d.internKey(s), nil
			}
			return strings.Clone(s), nil
		case c == '\\':
			d.scratch = append(d.scratch[:0], d.s[start:d.pos]...)
			return d.strSlow(start-1, key)
		case c < 0x20:
			return "", d.errorf("invalid control character %s in string", d.describe())
		case c < utf8.RuneSelf:
			d.pos++
		default:
			r, size := utf8.DecodeRuneInString(d.s[d.pos:])
			if r == utf8.RuneError && size == 1 {
				return "", d.errorf("invalid UTF-8 in string (byte 0x%02x)", c)
			}
			d.pos += size
		}
	}
	return "", d.errorAt(start-1, "unterminated string")
}

func (d *decoder) internKey(s string) string {
	if k, ok := d.intern[s]; ok {
		return k
	}
	if d.intern == nil {
		d.intern = make(map[string]string)
	}
	k := strings.Clone(s) // s may be a slice of the whole input
	d.intern[k] = k
	return k
}

// strSlow continues a string that has escapes, building it in d.scratch.
// quote is the offset of the opening quote.
func (d *decoder) strSlow(quote int, key bool) (string, error) {
	for d.pos < len(d.s) {
		c := d.s[d.pos]
		switch {
		case c == '"':
			d.pos++
			if key {
				if k, ok := d.intern[string(d.scratch)]; ok {
					return k, nil
				}
				return d.internKey(string(d.scratch)), nil
			}
			return string(d.scratch), nil
		case c == '\\':
			if err := d.escape(); err != nil {
				return "", err
			}
		case c < 0x20:
			return "", d.errorf("invalid control character %s in string", d.describe())
		case c < utf8.RuneSelf:
			d.scratch = append(d.scratch, c)
			d.pos++
		default:
			r, size := utf8.DecodeRuneInString(d.s[d.pos:])
			if r == utf8.RuneError && size == 1 {
				return "", d.errorf("invalid UTF-8 in string (byte 0x%02x)", c)
			}
			d.scratch = append(d.scratch, d.s[d.pos:d.pos+size]...)
			d.pos += size
		}
	}
	return "", d.errorAt(quote, "unterminated string")
}

// escape decodes the escape sequence at d.pos into d.scratch.
func (d *decoder) escape() error {
	d.pos++ // backslash
	if d.pos >= len(d.s) {
		return d.unexpected("in string escape")
	}
	c := d.s[d.pos]
	d.pos++
	switch c {
	case '"', '\\', '/':
		d.scratch = append(d.scratch, c)
	case 'b':
		d.scratch = append(d.scratch, '\b')
	case 'f':
		d.scratch = append(d.scratch, '\f')
	case 'n':
		d.scratch = append(d.scratch, '\n')
	case 'r':
		d.scratch = append(d.scratch, '\r')
	case 't':
		d.scratch = append(d.scratch, '\t')
	case 'u':
		r, err := d.hex4()
		if err != nil {
			return err
		}
		if utf16.IsSurrogate(r) {
			r, err = d.lowSurrogate(r)
			if err != nil {
				return err
			}
		}
		d.scratch = utf8.AppendRune(d.scratch, r)
	default:
		d.pos--
		return d.errorf("invalid escape character %s in string", d.describe())
	}
	return nil
}

// lowSurrogate completes the surrogate r with a following \u escape of a low
// surrogate, returning the rune they encode; a surrogate that is not part of
// a pair decodes as U+FFFD, and a following escape that does not pair with it
// is left alone.
func (d *decoder) lowSurrogate(r rune) (rune, error) {
	if d.pos+1 >= len(d.s) || d.s[d.pos] != '\\' || d.s[d.pos+1] != 'u' {
		return utf8.RuneError, nil
	}
	save := d.pos
	d.pos += 2
	r2, err := d.hex4()
	if err != nil {
		return 0, err
	}
	if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
		return dec, nil
	}
	d.pos = save
	return utf8.RuneError, nil
}

func (d *decoder) hex4() (rune, error) {
	var r rune
	for range 4 {
		if d.pos >= len(d.s) {
			return 0, d.unexpected("in \\u escape")
		}
		c := d.s[d.pos]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, d.unexpected("in \\u escape")
		}
		r = r<<4 | rune(c)
		d.pos++
	}
	return r, nil
}

func (d *decoder) open() error {
	if d.depth >= MaxDepth {
		return d.errorf("nesting deeper than %d levels", MaxDepth)
	}
	d.depth++
	d.pos++
	d.skipSpace()
	return nil
}

func (d *decoder) array() (lua.LValue, error) {
	if err := d.open(); err != nil {
		return nil, err
	}
	defer func() { d.depth-- }()
	if d.pos < len(d.s) && d.s[d.pos] == ']' {
		d.pos++
		return d.L.CreateTable(0, 0), nil
	}
	base := len(d.vals)
	for {
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		d.vals = append(d.vals, v)
		d.skipSpace()
		if d.pos < len(d.s) && d.s[d.pos] == ',' {
			d.pos++
			d.skipSpace()
			continue
		}
		if d.pos < len(d.s) && d.s[d.pos] == ']' {
			d.pos++
			break
		}
		return nil, d.unexpected("after array element (expecting ',' or ']')")
	}
	items := d.vals[base:]
	t := d.L.CreateTable(len(items), 0)
	for _, v := range items {
		t.Append(v)
	}
	clear(items)
	d.vals = d.vals[:base]
	return t, nil
}

func (d *decoder) object() (lua.LValue, error) {
	if err := d.open(); err != nil {
		return nil, err
	}
	defer func() { d.depth-- }()
	if d.pos < len(d.s) && d.s[d.pos] == '}' {
		d.pos++
		t := d.L.CreateTable(0, 0)
		t.Metatable = d.objectMT
		return t, nil
	}
	base, kbase := len(d.vals), len(d.keys)
	for {
		if d.pos >= len(d.s) || d.s[d.pos] != '"' {
			return nil, d.unexpected("looking for the beginning of an object key string")
		}
		k, err := d.str(true)
		if err != nil {
			return nil, err
		}
		d.skipSpace()
		if d.pos >= len(d.s) || d.s[d.pos] != ':' {
			return nil, d.unexpected("after object key (expecting ':')")
		}
		d.pos++
		d.skipSpace()
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		d.keys = append(d.keys, k)
		d.vals = append(d.vals, v)
		d.skipSpace()
		if d.pos < len(d.s) && d.s[d.pos] == ',' {
			d.pos++
			d.skipSpace()
			continue
		}
		if d.pos < len(d.s) && d.s[d.pos] == '}' {
			d.pos++
			break
		}
		return nil, d.unexpected("after object value (expecting ',' or '}')")
	}
	keys, vals := d.keys[kbase:], d.vals[base:]
	t := d.L.CreateTable(0, len(keys))
	t.Metatable = d.objectMT
	for i, k := range keys {
		t.RawSetString(k, vals[i])
	}
	clear(vals)
	d.vals = d.vals[:base]
	d.keys = d.keys[:kbase]
	return t, nil
}
