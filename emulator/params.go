package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/clickscript/clickscript/clickapi"
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
	filter string // lower-cased substring filter; "" filters nothing
}

// offset is the position of the page's first record.
func (lq listQuery) offset() int {
	if lq.page-1 > (math.MaxInt-clickapi.MaxPageSize)/lq.size {
		return math.MaxInt - clickapi.MaxPageSize
	}
	return (lq.page - 1) * lq.size
}

// options is the page echo of the answer.
func (lq listQuery) options() clickapi.PageOptions {
	return clickapi.PageOptions{Page: lq.page, PageSize: lq.size}
}

// parseList reads page, pagesize, sortfield, descending and the filter
// parameter named filter. Sort fields must be one of fields (matched
// ignoring case); page sizes above clickapi.MaxPageSize are clamped.
func parseList(q url.Values, fields []string, defaultSort, filter string) (listQuery, error) {
	lq := listQuery{page: 1, size: clickapi.DefaultPageSize, sort: defaultSort}
	ps := problems{code: clickapi.CodeValidation}
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
			lq.size = min(n, clickapi.MaxPageSize)
		}
	}
	if s := param(q, "sortfield"); s != "" {
		found := false
		for _, f := range fields {
			if strings.EqualFold(f, s) {
				lq.sort, found = f, true
				break
			}
		}
		if !found {
			ps.addf("sortfield: unknown field %q; use one of %s", s, strings.Join(fields, ", "))
		}
	}
	if s := param(q, "descending"); s != "" {
		switch {
		case strings.EqualFold(s, "true"):
			lq.desc = true
		case strings.EqualFold(s, "false"):
		default:
			ps.addf("descending: %q is not a boolean (true or false)", s)
		}
	}
	lq.filter = strings.ToLower(param(q, filter))
	return lq, ps.err()
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

// nameProblem returns what is wrong with a group name, or "".
func nameProblem(field, name string) string {
	if strings.TrimSpace(name) == "" {
		return field + ": required, must not be blank"
	}
	if n := utf8.RuneCountInString(name); n > clickapi.MaxNameLength {
		return fmt.Sprintf("%s: at most %d characters (got %d)", field, clickapi.MaxNameLength, n)
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
// wrong types, trailing data) is a VALIDATION problem that names the place.
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

// jsonProblem describes a decoding error as a VALIDATION problem.
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
