package stdlib

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/internal/atomicfile"
)

// csvModule is the state of one state's csv module.
type csvModule struct {
	sandbox bool              // csv.write is disabled
	wrote   func(path string) // called before csv.write writes a file; nil: nothing
}

func csvSpecs() []funcSpec[*csvModule] {
	return []funcSpec[*csvModule]{
		{
			name: "read", fn: (*csvModule).read,
			sig: "csv.read(path: string, opts?: {sep?: string, header?: boolean, trim?: boolean}): table[], string[]",
			summary: "Reads a CSV file whole: with a header (the default) a list of rows keyed by column name, and the column names in order; " +
				"with header = false a list of lists of strings. Fields are trimmed unless trim = false. An error names the file and line.",
		},
		{
			name: "parse", fn: (*csvModule).parse,
			sig:     "csv.parse(text: string, opts?: {sep?: string, header?: boolean, trim?: boolean}): table[], string[]",
			summary: "Parses CSV text as csv.read does a file; errors name the line as <string>:LINE.",
		},
		{
			name: "write", fn: (*csvModule).write,
			sig: "csv.write(path: string, rows: table[], opts?: {columns?: string[], sep?: string}): integer",
			summary: "Writes a header and one line per row (a table keyed by column; missing values are empty) atomically, and returns the number of rows. " +
				"Without columns, the columns are the sorted union of the rows' keys; with columns, other keys are left out.",
		},
	}
}

func (m *csvModule) loader(L *lua.LState) int {
	t := L.CreateTable(0, 3)
	fs := funcs(m, csvSpecs())
	if m.sandbox {
		fs["write"] = func(L *lua.LState) int {
			L.RaiseError("csv.write is disabled by --sandbox")
			return 0
		}
	}
	L.SetFuncs(t, fs)
	L.Push(t)
	return 1
}

// csvReadOptions are the options of csv.read and csv.parse.
type csvReadOptions struct {
	sep    rune
	header bool
	trim   bool
}

func readOptions(L *lua.LState, fname string, n int) csvReadOptions {
	o := csvReadOptions{sep: ',', header: true, trim: true}
	opts := checkOptions(L, fname, n, "header", "sep", "trim")
	if opts == nil {
		return o
	}
	o.sep = sepOption(L, fname, opts.RawGetString("sep"))
	o.header = boolOption(L, fname, "header", opts.RawGetString("header"), true)
	o.trim = boolOption(L, fname, "trim", opts.RawGetString("trim"), true)
	return o
}

func boolOption(L *lua.LState, fname, name string, v lua.LValue, def bool) bool {
	switch v := v.(type) {
	case *lua.LNilType:
		return def
	case lua.LBool:
		return bool(v)
	}
	L.RaiseError("%s: option %s must be a boolean, got %s", fname, name, describeValue(v))
	return def
}

func sepOption(L *lua.LState, fname string, v lua.LValue) rune {
	if v == lua.LNil {
		return ','
	}
	if s, ok := v.(lua.LString); ok {
		r, size := utf8.DecodeRuneInString(string(s))
		if size == len(s) && validSep(r) {
			return r
		}
	}
	L.RaiseError("%s: option sep must be one character other than a quote, a newline or U+FFFD, got %s", fname, describeValue(v))
	return ','
}

func validSep(r rune) bool {
	return r != 0 && r != '"' && r != '\r' && r != '\n' && r != utf8.RuneError && utf8.ValidRune(r)
}

func (m *csvModule) read(L *lua.LState) int {
	path := L.CheckString(1)
	opts := readOptions(L, "csv.read", 2)
	data, err := os.ReadFile(path)
	if err != nil {
		L.RaiseError("csv.read: %v", err)
	}
	return pushParsed(L, "csv.read", path, string(data), opts)
}

func (m *csvModule) parse(L *lua.LState) int {
	text := L.CheckString(1)
	opts := readOptions(L, "csv.parse", 2)
	return pushParsed(L, "csv.parse", "<string>", text, opts)
}

func pushParsed(L *lua.LState, fname, name, text string, opts csvReadOptions) int {
	rows, columns, err := parseCSV(L, name, text, opts)
	if err != nil {
		L.RaiseError("%s: %v", fname, err)
	}
	L.Push(rows)
	if columns == nil {
		return 1
	}
	L.Push(columns)
	return 2
}

// parseCSV parses text, which came from name (a file name, or "<string>"),
// into a list of rows. With a header the rows are tables keyed by column
// name and columns lists the names in order; without, the rows are lists of
// strings and columns is nil. Every row must have as many fields as the
// first. Errors name the 1-based line, as "name:LINE: ...".
func parseCSV(L *lua.LState, name, text string, opts csvReadOptions) (rows, columns *lua.LTable, err error) {
	text = strings.TrimPrefix(text, "\ufeff")
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = opts.sep
	r.FieldsPerRecord = -1 // counted here, for a better message
	r.ReuseRecord = true

	var header []string
	var firstLine, width int
	rows = L.CreateTable(0, 0)
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, csvParseError(name, err)
		}
		line, _ := r.FieldPos(0)
		if opts.trim {
			for i, f := range rec {
				rec[i] = strings.TrimSpace(f)
			}
		}
		if firstLine == 0 {
			firstLine, width = line, len(rec)
			if opts.header {
				if header, err = headerNames(name, line, rec); err != nil {
					return nil, nil, err
				}
				continue
			}
		}
		if len(rec) != width {
			if opts.header {
				return nil, nil, fmt.Errorf("%s:%d: expected %d fields, got %d", name, line, width, len(rec))
			}
			return nil, nil, fmt.Errorf("%s:%d: expected %d fields (as on line %d), got %d", name, line, width, firstLine, len(rec))
		}
		if opts.header {
			row := L.CreateTable(0, width)
			for i, f := range rec {
				row.RawSetString(header[i], lua.LString(f))
			}
			rows.Append(row)
			continue
		}
		row := L.CreateTable(width, 0)
		for _, f := range rec {
			row.Append(lua.LString(f))
		}
		rows.Append(row)
	}
	if !opts.header {
		return rows, nil, nil
	}
	if header == nil {
		return nil, nil, fmt.Errorf("%s: no header line (the input is empty)", name)
	}
	columns = L.CreateTable(len(header), 0)
	for _, h := range header {
		columns.Append(lua.LString(h))
	}
	return rows, columns, nil
}

// headerNames checks the header record: every name present and unique.
func headerNames(name string, line int, rec []string) ([]string, error) {
	seen := make(map[string]int, len(rec))
	out := make([]string, len(rec))
	for i, h := range rec {
		if h == "" {
			return nil, fmt.Errorf("%s:%d: column %d has an empty name in the header", name, line, i+1)
		}
		if j, dup := seen[h]; dup {
			return nil, fmt.Errorf("%s:%d: duplicate column name %q in the header (columns %d and %d)", name, line, h, j+1, i+1)
		}
		seen[h] = i
		out[i] = h
	}
	return out, nil
}

// csvParseError renders an encoding/csv error as "name:LINE:COLUMN: problem".
func csvParseError(name string, err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", name, err)
	}
	if pe.StartLine != 0 && pe.StartLine != pe.Line {
		return fmt.Errorf("%s:%d:%d: %w (in the record starting on line %d)", name, pe.Line, pe.Column, pe.Err, pe.StartLine)
	}
	return fmt.Errorf("%s:%d:%d: %w", name, pe.Line, pe.Column, pe.Err)
}

func (m *csvModule) write(L *lua.LState) int {
	path := L.CheckString(1)
	rows := L.CheckTable(2)
	opts := checkOptions(L, "csv.write", 3, "columns", "sep")
	sep := ','
	var columns []string
	if opts != nil {
		sep = sepOption(L, "csv.write", opts.RawGetString("sep"))
		if v := opts.RawGetString("columns"); v != lua.LNil {
			var err error
			if columns, err = columnsOption(v); err != nil {
				L.RaiseError("csv.write: %s: %v", path, err)
			}
		}
	}
	records, err := csvRecords(rows, columns)
	if err != nil {
		L.RaiseError("csv.write: %s: %v", path, err)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = sep
	if err := w.WriteAll(records); err != nil {
		L.RaiseError("csv.write: %s: %v", path, err)
	}
	if m.wrote != nil {
		m.wrote(path)
	}
	if err := writeFileAtomic(path, func(f io.Writer) error {
		_, err := f.Write(buf.Bytes())
		return err
	}); err != nil {
		L.RaiseError("csv.write: %v", err)
	}
	L.Push(lua.LNumber(len(records) - 1))
	return 1
}

// columnsOption checks csv.write's columns option: a list of distinct,
// non-empty strings.
func columnsOption(v lua.LValue) ([]string, error) {
	t, ok := v.(*lua.LTable)
	n := -1
	if ok {
		n = sequenceLen(t)
	}
	if n < 0 {
		return nil, fmt.Errorf("option columns must be a list of strings, got %s", describeValue(v))
	}
	if n == 0 {
		return nil, errors.New("option columns is empty")
	}
	out := make([]string, n)
	seen := make(map[string]bool, n)
	for i := range n {
		s, ok := t.RawGetInt(i + 1).(lua.LString)
		switch {
		case !ok:
			return nil, fmt.Errorf("option columns: item %d is %s, want a string", i+1, describeValue(t.RawGetInt(i+1)))
		case s == "":
			return nil, fmt.Errorf("option columns: item %d is empty", i+1)
		case seen[string(s)]:
			return nil, fmt.Errorf("option columns: %q appears twice", string(s))
		}
		seen[string(s)] = true
		out[i] = string(s)
	}
	return out, nil
}

// csvRecords validates rows whole and renders them, header first. Without
// columns, the columns are the sorted union of the rows' keys.
func csvRecords(rows *lua.LTable, columns []string) ([][]string, error) {
	n := sequenceLen(rows)
	if n < 0 {
		return nil, errors.New("rows must be a list of tables (keys 1..n)")
	}
	tables := make([]*lua.LTable, n)
	for i := range n {
		v := rows.RawGetInt(i + 1)
		t, ok := v.(*lua.LTable)
		if !ok {
			return nil, fmt.Errorf("row %d is %s, want a table", i+1, describeValue(v))
		}
		tables[i] = t
	}
	if columns == nil {
		var err error
		if columns, err = unionKeys(tables); err != nil {
			return nil, err
		}
		if len(columns) == 0 {
			return nil, errors.New("no columns: pass the columns option, or rows with keys")
		}
	}
	records := make([][]string, 0, n+1)
	records = append(records, columns)
	for i, t := range tables {
		rec := make([]string, len(columns))
		for j, c := range columns {
			cell, reason := csvCell(t.RawGetString(c))
			if reason != "" {
				return nil, fmt.Errorf("row %d, column %q: %s", i+1, c, reason)
			}
			rec[j] = cell
		}
		records = append(records, rec)
	}
	return records, nil
}

func unionKeys(tables []*lua.LTable) ([]string, error) {
	seen := make(map[string]bool)
	var out []string
	for i, t := range tables {
		var bad lua.LValue
		t.ForEach(func(k, _ lua.LValue) {
			s, ok := k.(lua.LString)
			if !ok {
				if bad == nil {
					bad = k
				}
				return
			}
			if !seen[string(s)] {
				seen[string(s)] = true
				out = append(out, string(s))
			}
		})
		if bad != nil {
			return nil, fmt.Errorf("row %d has the %s key %s; without the columns option every key must be a string", i+1, bad.Type(), keyString(bad))
		}
	}
	slices.Sort(out)
	return out, nil
}

// csvCell renders one value as a field: strings as they are, numbers as
// json.encode writes them, booleans as true/false, nil and json.null as an
// empty field. For any other value it returns the reason it cannot.
func csvCell(v lua.LValue) (string, string) {
	switch v := v.(type) {
	case *lua.LNilType:
		return "", ""
	case lua.LString:
		return string(v), ""
	case lua.LNumber:
		if s := formatNumber(float64(v)); s != "" {
			return s, ""
		}
		return "", "cannot write " + strconv.FormatFloat(float64(v), 'g', -1, 64)
	case lua.LBool:
		return strconv.FormatBool(bool(v)), ""
	}
	if IsNull(v) {
		return "", ""
	}
	return "", "cannot write " + describeValue(v)
}

// writeFileAtomic writes path through write, atomically (see
// atomicfile.Write): path always holds either its old or its new content.
// A file being replaced keeps its permissions; a new one gets 0644.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	perm := fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s: not a regular file", path)
		}
		perm = fi.Mode().Perm()
	}
	if err := atomicfile.Write(path, perm, write); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
