package bindings

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/clickapi"
)

// importColumns returns the CSV columns of import_csv. Header names match
// ignoring case; username and group are required, the others optional.
func importColumns() []string {
	return []string{"username", "email", "userType", "firstName", "lastName", "group"}
}

func (m *module) importCSV(L *lua.LState) int {
	a := args{L, "usergroup.import_csv"}
	path, ok := L.Get(1).(lua.LString)
	if !ok || path == "" {
		a.badArg(1, "CSV file path", L.Get(1))
	}
	size, create := m.importOptions(a, 2)
	rows, bad, warn, err := readImportCSV(string(path))
	if err != nil {
		a.errorf("%v", err)
	}
	for _, w := range warn {
		m.log.Warn("plan: " + w)
	}
	m.validateAndApply(L, a, kindImport, rows, bad, size, create)
	return 1
}

// readImportCSV reads an import file: a header row naming the columns
// username and group (a group name or id), and optionally email, userType
// (a name such as desktop_standard_user, or a number), firstName and
// lastName, then one
// membership per row. Every row is checked; problems name the file, the
// line and the field. err is for a file that cannot be read at all.
func readImportCSV(path string) (rows []*row, bad *problems, warn []string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, err
	}
	defer f.Close()
	name := filepath.ToSlash(path)
	br := bufio.NewReader(f)
	if head, _ := br.Peek(512); utf16Encoded(head) {
		return nil, nil, nil, fmt.Errorf("%s: the file is UTF-16 (a byte-order mark or NUL bytes): save it as UTF-8", name)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // checked here, so that every bad row is named
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true // the fields are copied out below
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, nil, fmt.Errorf("%s: empty file: want a header row with %s", name, strings.Join(importColumns(), ", "))
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	header = slices.Clone(header) // ReuseRecord: the next Read reuses the slice
	if err := checkUTF8(header); err != "" {
		return nil, nil, nil, fmt.Errorf("%s:1: %s", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		for _, c := range importColumns() {
			if strings.EqualFold(h, c) {
				if first, dup := col[c]; dup {
					return nil, nil, nil, fmt.Errorf("%s:1: column %d (%q) repeats column %d: name each column once", name, i+1, h, first+1)
				}
				col[c] = i
			}
		}
	}
	for _, c := range []string{"username", "group"} {
		if _, ok := col[c]; !ok {
			return nil, nil, nil, fmt.Errorf("%s:1: no %q column (the header must name %s)", name, c, strings.Join(importColumns(), ", "))
		}
	}
	get := func(rec []string, c string) string {
		if i, ok := col[c]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	bad = &problems{}
	seen := make(map[rowKey]string, 1024)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			bad.add(pe.Line, "%s:%d: %v", name, pe.Line, pe.Err)
			continue
		}
		if err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0) // only valid after a successful Read
		where := fmt.Sprintf("%s:%d", name, line)
		if len(rec) != len(header) {
			bad.add(line, "%s: expected %d fields, got %d", where, len(header), len(rec))
			continue
		}
		if msg := checkUTF8(rec); msg != "" {
			bad.add(line, "%s: %s", where, msg)
			continue
		}
		user := clickapi.ImportUser{Username: get(rec, "username"), Email: get(rec, "email"),
			FirstName: get(rec, "firstName"), LastName: get(rec, "lastName")}
		if field, msg := checkUser(user); msg != "" {
			bad.add(line, "%s: %s: %s", where, field, msg)
			continue
		}
		if w := lookAlike(where, user.Username); w != "" {
			warn = append(warn, w)
		}
		var msg string
		if user.UserType, msg = parseUserType(get(rec, "userType")); msg != "" {
			bad.add(line, "%s: userType: %s", where, msg)
			continue
		}
		group := get(rec, "group")
		ref := clickapi.GroupRef{Name: group}
		if looksLikeUUID(group) {
			ref = clickapi.GroupRef{ID: group}
		}
		if msg := uuidProblem(group); msg != "" {
			bad.add(line, "%s: group.id: %s", where, msg)
			continue
		}
		r, msg := newImportRow(line, where, user, ref)
		switch {
		case group == "":
			bad.add(line, "%s: group: empty", where)
		case msg != "":
			bad.add(line, "%s: group%s", where, msg)
		default:
			if first, dup := seen[r.key()]; dup {
				bad.add(line, "%s: duplicate of %s (%s in %s)", where, first, user.Username, group)
				continue
			}
			seen[r.key()] = where
			rows = append(rows, r)
		}
	}
	return rows, bad, warn, nil
}

// looksLikeUUID tells a group id from a group name in an import file: a
// 36-character value with dashes where a uuid has them. A malformed id
// ("1234-...") that looks like one is then reported as a bad uuid.
func looksLikeUUID(s string) bool {
	return len(s) == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-'
}
