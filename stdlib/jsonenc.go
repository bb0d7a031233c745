package stdlib

import (
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// EncodeJSON returns the JSON encoding of v under the rules of ToGo, with
// object keys sorted, integral numbers within ±2^53 written without a
// fraction, other numbers in their shortest round-trip form, and no HTML
// escaping. indent is "" for compact output, or the string repeated once per
// level for indented output. The error is a *ValueError naming the path of
// the value that has no JSON equivalent.
func EncodeJSON(v lua.LValue, indent string) ([]byte, error) {
	e := encoder{indent: indent}
	if err := e.value(v); err != nil {
		return nil, err
	}
	return e.buf, nil
}

// encoder writes the JSON encoding of Lua values straight into buf, walking
// them with the same walker (and so the same rules) as ToGo.
type encoder struct {
	walker
	buf    []byte
	indent string
}

// reset prepares e for another value.
func (e *encoder) reset(indent string) {
	e.buf = e.buf[:0]
	e.truncPairs(0)
	clear(e.open)
	e.open = e.open[:0]
	e.path = e.path[:0]
	e.indent = indent
}

// release drops buffers that grew beyond a reasonable size for keeping
// between calls, once their content has been copied out.
func (e *encoder) release() {
	const keep = 64 << 10
	if cap(e.buf) > keep {
		e.buf = nil
	}
	if cap(e.pairs) > keep/16 {
		e.pairs = nil
	}
}

func (e *encoder) value(v lua.LValue) error {
	switch v := v.(type) {
	case *lua.LNilType:
		e.buf = append(e.buf, "null"...)
		return nil
	case lua.LBool:
		if v {
			e.buf = append(e.buf, "true"...)
		} else {
			e.buf = append(e.buf, "false"...)
		}
		return nil
	case lua.LNumber:
		buf, ok := appendNumber(e.buf, float64(v))
		if !ok {
			return e.errorf("%s", nonFiniteReason(float64(v)))
		}
		e.buf = buf
		return nil
	case lua.LString:
		buf, ok := appendString(e.buf, string(v))
		if !ok {
			return e.errorf("%s", invalidUTF8Reason(string(v)))
		}
		e.buf = buf
		return nil
	case *lua.LTable:
		return e.table(v)
	case *lua.LUserData:
		if IsNull(v) {
			e.buf = append(e.buf, "null"...)
			return nil
		}
	}
	return e.errorf("%s", typeReason(v))
}

// newline starts a new line indented for depth levels, when indenting.
func (e *encoder) newline(depth int) {
	if e.indent == "" {
		return
	}
	e.buf = append(e.buf, '\n')
	for range depth {
		e.buf = append(e.buf, e.indent...)
	}
}

func (e *encoder) table(t *lua.LTable) error {
	if err := e.enter(t); err != nil {
		return err
	}
	defer e.leave()
	depth := e.depth()
	start := len(e.pairs)
	kind, n, err := e.shape(t)
	if err != nil {
		return err
	}
	if kind == kindArray {
		if n == 0 {
			e.buf = append(e.buf, "[]"...)
			return nil
		}
		e.buf = append(e.buf, '[')
		for i := 1; i <= n; i++ {
			if i > 1 {
				e.buf = append(e.buf, ',')
			}
			e.newline(depth)
			e.pushIndex(i)
			err := e.value(t.RawGetInt(i))
			e.popPath()
			if err != nil {
				return err
			}
		}
		e.newline(depth - 1)
		e.buf = append(e.buf, ']')
		return nil
	}
	defer e.truncPairs(start)
	end := len(e.pairs)
	if end == start {
		e.buf = append(e.buf, "{}"...)
		return nil
	}
	e.sortPairs(start)
	e.buf = append(e.buf, '{')
	for i := start; i < end; i++ {
		p := e.pairs[i]
		if i > start {
			e.buf = append(e.buf, ',')
		}
		e.newline(depth)
		e.pushKey(p.key)
		buf, ok := appendString(e.buf, p.key)
		if !ok {
			err := e.errorf("key is not valid UTF-8")
			e.popPath()
			return err
		}
		e.buf = append(buf, ':')
		if e.indent != "" {
			e.buf = append(e.buf, ' ')
		}
		err := e.value(p.value)
		e.popPath()
		if err != nil {
			return err
		}
	}
	e.newline(depth - 1)
	e.buf = append(e.buf, '}')
	return nil
}

// isExactInt reports whether f is an integer that a float64 holds exactly
// along with all its neighbours, i.e. within ±2^53.
func isExactInt(f float64) bool {
	return f >= -maxExactInt && f <= maxExactInt && f == math.Trunc(f)
}

// nonFiniteReason is the error for NaN or ±Inf, and "" for any other number.
func nonFiniteReason(f float64) string {
	switch {
	case math.IsNaN(f):
		return "cannot encode NaN"
	case math.IsInf(f, 1):
		return "cannot encode inf"
	case math.IsInf(f, -1):
		return "cannot encode -inf"
	}
	return ""
}

// appendNumber appends the JSON form of f: an integer within ±2^53 without a
// fraction, any other number in the shortest form that reads back as f
// (exponent form below 1e-6 and from 1e21, as encoding/json does). It
// reports false for NaN and ±Inf, appending nothing.
func appendNumber(buf []byte, f float64) ([]byte, bool) {
	if isExactInt(f) {
		return strconv.AppendInt(buf, int64(f), 10), true
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return buf, false
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs < 1e-6 || abs >= 1e21 {
		format = 'e'
	}
	buf = strconv.AppendFloat(buf, f, format, -1, 64)
	if format == 'e' {
		// Shorten e-09 to e-9, as encoding/json does.
		n := len(buf)
		if n >= 4 && buf[n-4] == 'e' && buf[n-3] == '-' && buf[n-2] == '0' {
			buf[n-2] = buf[n-1]
			buf = buf[:n-1]
		}
	}
	return buf, true
}

// formatNumber returns the JSON form of f, or "" for NaN and ±Inf.
func formatNumber(f float64) string {
	if isExactInt(f) {
		return strconv.FormatInt(int64(f), 10)
	}
	var scratch [32]byte
	b, _ := appendNumber(scratch[:0], f)
	return string(b)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. It escapes '"', '\\', control
// characters, U+2028 and U+2029 (which JavaScript treats as line ends) and
// nothing else: no HTML escaping. It reports false when s is not valid UTF-8.
func appendString(buf []byte, s string) ([]byte, bool) {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			case '\b':
				buf = append(buf, '\\', 'b')
			case '\f':
				buf = append(buf, '\\', 'f')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return buf, false
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			start = i + size
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"'), true
}

// appendGo appends the compact JSON encoding of a value ToGo returned, with
// the same formatting as EncodeJSON. It reports false for a value of any
// other type, or a string that is not valid UTF-8.
func appendGo(buf []byte, v any) ([]byte, bool) {
	switch v := v.(type) {
	case nil:
		return append(buf, "null"...), true
	case bool:
		return strconv.AppendBool(buf, v), true
	case int64:
		return strconv.AppendInt(buf, v, 10), true
	case float64:
		return appendNumber(buf, v)
	case string:
		return appendString(buf, v)
	case []any:
		buf = append(buf, '[')
		for i, e := range v {
			if i > 0 {
				buf = append(buf, ',')
			}
			var ok bool
			if buf, ok = appendGo(buf, e); !ok {
				return buf, false
			}
		}
		return append(buf, ']'), true
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		buf = append(buf, '{')
		for i, k := range keys {
			if i > 0 {
				buf = append(buf, ',')
			}
			var ok bool
			if buf, ok = appendString(buf, k); !ok {
				return buf, false
			}
			buf = append(buf, ':')
			if buf, ok = appendGo(buf, v[k]); !ok {
				return buf, false
			}
		}
		return append(buf, '}'), true
	}
	return buf, false
}
