package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/mail"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
)

// param returns the first value of query parameter name. Names match
// ignoring case, as ASP.NET binds them (so pageSize finds pagesize).
func param(q url.Values, name string) string {
	if vs, ok := q[name]; ok && len(vs) > 0 {
		return vs[0]
	}
	for k, vs := range q {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

// listQuery is the paging, sorting and filtering of a list request.
type listQuery struct {
	page   int
	size   int
	sort   string // canonical sort field
	desc   bool
	filter string // the substring filter as sent; "" filters nothing
	lower  string // strings.ToLower(filter)
	fold   bool   // the filter ignores case (false only under a deviation)
}

// offset is the position of the page's first record.
func (lq listQuery) offset() int {
	if lq.page-1 > (math.MaxInt-maxPageSize)/lq.size {
		return math.MaxInt - maxPageSize
	}
	return (lq.page - 1) * lq.size
}

// match reports whether a record whose filtered field is s, and
// strings.ToLower(s) is lower, passes the filter: a substring match
// ignoring case [web:usergroup.md] [web:user.md].
func (lq listQuery) match(s, lower string) bool {
	if lq.filter == "" {
		return true
	}
	if lq.fold {
		return strings.Contains(lower, lq.lower)
	}
	return strings.Contains(s, lq.filter)
}

// listSpec says what a list accepts: its sort fields, its documented
// default sort and direction, and the name of its filter parameter.
type listSpec struct {
	fields      []string
	defaultSort string
	defaultDesc bool
	filter      string
}

// parseList reads page, pagesize, sortfield, descending and the filter
// parameter of spec. Sort fields must be one of spec's (matched ignoring
// case, I8); page sizes above maxPageSize, or Options.PageCap, are clamped
// silently (I5); bad values answer 499 DEFAULT (I6).
func (e *Emulator) parseList(q url.Values, spec listSpec) (listQuery, error) {
	lq := listQuery{page: 1, size: defaultPageSize, sort: spec.defaultSort, desc: spec.defaultDesc, fold: !e.dev.FilterCaseSensitive}
	ps := problems{code: codeBadInput}
	if s := param(q, "page"); s != "" {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil:
			ps.addf("page: %q is not an integer", s)
		case n < 1:
			ps.addf("page: must be at least 1 (got %d)", n)
		default:
			lq.page = n
		}
	}
	if s := param(q, "pagesize"); s != "" {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil:
			ps.addf("pagesize: %q is not an integer", s)
		case n < 1:
			ps.addf("pagesize: must be at least 1 (got %d)", n)
		default:
			lq.size = min(n, maxPageSize)
		}
	}
	if e.pageCap > 0 {
		lq.size = min(lq.size, e.pageCap)
	}
	if s := param(q, "sortfield"); s != "" {
		found := false
		for _, f := range spec.fields {
			if strings.EqualFold(f, s) {
				lq.sort, found = f, true
				break
			}
		}
		if !found {
			ps.addf("sortfield: unknown field %q; use one of %s", s, strings.Join(spec.fields, ", "))
		}
	}
	if s := param(q, "descending"); s != "" {
		switch {
		case strings.EqualFold(s, "true"):
			lq.desc = true
		case strings.EqualFold(s, "false"):
			lq.desc = false
		default:
			ps.addf("descending: %q is not a boolean (true or false)", s)
		}
	}
	lq.filter = param(q, spec.filter)
	lq.lower = strings.ToLower(lq.filter)
	return lq, ps.err()
}

// flagParam reads the integer flag-mask query parameter name; absent is
// def.
func flagParam(q url.Values, name string, def int) (int, error) {
	s := param(q, name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, invalidf("%s: %q is not a flag value (a non-negative integer)", name, s)
	}
	return n, nil
}

// boolParam reads the boolean query parameter name; absent is false.
func boolParam(q url.Values, name string) (bool, error) {
	switch s := param(q, name); {
	case s == "", strings.EqualFold(s, "false"):
		return false, nil
	case strings.EqualFold(s, "true"):
		return true, nil
	default:
		return false, invalidf("%s: %q is not a boolean (true or false)", name, s)
	}
}

// collection is one page of rows as the list answers it: a DTOCollection
// {data, total, options{page, pageSize, sort}} [click:user.md]
// [web:index.md], or what a deviation makes of it. A page past the end is
// 200 with data [] (I7) unless the past-end-error deviation is on.
func collection[T any](e *Emulator, lq listQuery, data []T, total int) (any, error) {
	if e.dev.PastEndError && len(data) == 0 && total > 0 {
		return nil, invalidf("page: %d is past the end (%d rows, %d per page)", lq.page, total, lq.size)
	}
	if data == nil {
		data = []T{}
	}
	if e.dev.TotalIsPage {
		total = len(data)
	}
	switch {
	case e.dev.BareArray:
		return data, nil
	case e.dev.NoOptions:
		return apiCollectionNoOptions[T]{Data: data, Total: total}, nil
	}
	return apiCollection[T]{Data: data, Total: total, Options: apiOptions{
		Page: lq.page, PageSize: lq.size, Sort: []apiSort{{Field: lq.sort, Descending: lq.desc}},
	}}, nil
}

// parseID reads a uuid named field; empty is an error.
func parseID(field, s string) (uuid.UUID, error) {
	if s == "" {
		return uuid.UUID{}, invalidf("%s: required", field)
	}
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.UUID{}, invalidf("%s: %q is not a uuid", field, s)
	}
	return id, nil
}

// queryID reads the uuid query parameter name.
func queryID(q url.Values, name string) (uuid.UUID, error) {
	return parseID(name, param(q, name))
}

// validEmail reports whether s is a bare email address (no display name).
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}

// nameProblem returns what is wrong with a group name, or "".
func nameProblem(field, name string) string {
	if strings.TrimSpace(name) == "" {
		return field + ": required, must not be blank"
	}
	if n := utf8.RuneCountInString(name); n > maxGroupName {
		return fmt.Sprintf("%s: at most %d characters (got %d)", field, maxGroupName, n)
	}
	return ""
}

// readBody reads the request body, at most maxBodyBytes of it.
func readBody(r *http.Request) ([]byte, error) {
	data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBodyBytes))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, invalidf("body: larger than %d bytes", maxBodyBytes)
		}
		return nil, invalidf("body: unreadable: %v", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, invalidf("body: required, got an empty body")
	}
	return data, nil
}

// decodeJSON decodes data into v. What it finds wrong (malformed JSON,
// wrong types, trailing data) is a DEFAULT problem that names the place.
func decodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return jsonProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return invalidf("body: unexpected data after the JSON value at byte %d", dec.InputOffset())
	}
	return nil
}

// readJSON decodes the request body into v, as decodeJSON does.
func readJSON(r *http.Request, v any) error {
	data, err := readBody(r)
	if err != nil {
		return err
	}
	return decodeJSON(data, v)
}

// readArray decodes a request body that must be a JSON array of what into
// v, a pointer to a slice.
func readArray(r *http.Request, v any, what string) error {
	data, err := readBody(r)
	if err != nil {
		return err
	}
	if first := bytes.TrimSpace(data)[0]; first != '[' && json.Valid(data) {
		return invalidf("body: expected a JSON array of %s, got %s", what, jsonValueKind(first))
	}
	return decodeJSON(data, v)
}

// jsonValueKind names the kind of JSON value that starts with first.
func jsonValueKind(first byte) string {
	switch first {
	case '{':
		return "an object"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}

// jsonProblem describes a decoding error as a DEFAULT problem (I11).
func jsonProblem(err error) *problem {
	if e, ok := errors.AsType[*json.SyntaxError](err); ok {
		return invalidf("body: malformed JSON at byte %d: %v", e.Offset, e)
	}
	if e, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		where := "body"
		if e.Field != "" {
			where = e.Field
		}
		return invalidf("%s: expected %s, got a JSON %s", where, jsonKind(e.Type), e.Value)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return invalidf("body: malformed JSON: unexpected end of input")
	}
	return invalidf("body: malformed JSON: %v", err)
}

// jsonKind names the JSON kind that decodes into t.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	default:
		return "an object"
	}
}
