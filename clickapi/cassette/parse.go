package cassette

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"unicode"
)

// Load reads and checks the cassette at path. Its errors name the file.
func Load(path string) (*Cassette, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cassette: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Parse decodes and checks a cassette. Its errors say which interaction is
// wrong and how; unknown fields are errors. It never panics.
func Parse(data []byte) (*Cassette, error) {
	if err := checkObject(data); err != nil {
		return nil, fmt.Errorf("cassette: %w", err)
	}
	var top struct {
		Version      json.RawMessage `json:"version"`
		Interactions json.RawMessage `json:"interactions"`
	}
	if err := decodeStrict(data, &top); err != nil {
		return nil, fmt.Errorf("cassette: %w", err)
	}
	if isAbsent(top.Version) {
		return nil, errors.New("cassette: missing version")
	}
	var version int
	if err := json.Unmarshal(top.Version, &version); err != nil || version != Version {
		return nil, fmt.Errorf("cassette: unknown version %s (this program reads version %d)", abbreviate(string(top.Version), 40), Version)
	}
	if isAbsent(top.Interactions) {
		return nil, errors.New("cassette: missing interactions (want an array)")
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(top.Interactions, &raws); err != nil {
		return nil, fmt.Errorf("cassette: interactions: want an array, got %s", kindOf(top.Interactions))
	}
	c := &Cassette{Version: version, Interactions: make([]Interaction, len(raws))}
	for i, raw := range raws {
		if err := parseInteraction(raw, &c.Interactions[i]); err != nil {
			return nil, fmt.Errorf("cassette: interactions[%d]: %w", i, err)
		}
	}
	return c, nil
}

// parseInteraction decodes and checks one interaction.
func parseInteraction(raw json.RawMessage, in *Interaction) error {
	var parts struct {
		Request  json.RawMessage `json:"request"`
		Response json.RawMessage `json:"response"`
	}
	if err := checkObject(raw); err != nil {
		return err
	}
	if err := decodeStrict(raw, &parts); err != nil {
		return err
	}
	for _, p := range []struct {
		name string
		raw  json.RawMessage
		v    any
	}{{"request", parts.Request, &in.Request}, {"response", parts.Response, &in.Response}} {
		if isAbsent(p.raw) {
			return fmt.Errorf("missing %s", p.name)
		}
		if err := checkObject(p.raw); err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		if err := decodeStrict(p.raw, p.v); err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
	}
	in.Request.Payload.normalize()
	in.Response.Payload.normalize()
	return in.check()
}

// checkObject reports data that is not one JSON object.
func checkObject(data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return errors.New("empty document, want a JSON object")
	}
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		if err == nil {
			err = errors.New("invalid JSON")
		}
		return fmt.Errorf("not JSON: %w", err)
	}
	if k := kindOf(data); k != "an object" {
		return fmt.Errorf("want a JSON object, got %s", k)
	}
	return nil
}

// decodeStrict decodes exactly one JSON value into v, refusing unknown
// fields and trailing data.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return &plainError{fmt.Sprintf("%s: want %s, got a JSON %s", te.Field, typeName(te.Type), te.Value), err}
		}
		var be base64.CorruptInputError
		if errors.As(err, &be) {
			return fmt.Errorf("bodyBase64: %w", err)
		}
		return &plainError{strings.TrimPrefix(err.Error(), "json: "), err}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the end of the JSON value")
	}
	return nil
}

// plainError rewords an encoding/json error without the Go type names
// it mentions, and keeps it for errors.As.
type plainError struct {
	msg string
	err error
}

func (e *plainError) Error() string { return e.msg }
func (e *plainError) Unwrap() error { return e.err }

// typeName names the JSON a Go type takes.
func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64:
		return "an integer"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "base64 text"
		}
		return "an array"
	}
	return "an object"
}

func isAbsent(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

func kindOf(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return "nothing"
	}
	switch t[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 'n':
		return "null"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	default:
		return "a number"
	}
}

// normalize compacts a JSON body and turns "body": null into no body.
func (p *Payload) normalize() {
	if isAbsent(p.Body) {
		p.Body = nil
		return
	}
	var buf bytes.Buffer
	if json.Compact(&buf, p.Body) == nil {
		p.Body = buf.Bytes()
	}
}

// check reports what is wrong with an interaction, if anything.
func (in *Interaction) check() error {
	r := in.Request
	switch {
	case r.Method == "":
		return errors.New("request: missing method")
	case strings.IndexFunc(r.Method, func(c rune) bool { return c <= ' ' || c > '~' || unicode.IsSpace(c) }) >= 0:
		return fmt.Errorf("request: bad method %q", r.Method)
	case !strings.HasPrefix(r.Path, "/"):
		return fmt.Errorf("request: path %q: want an absolute path starting with /", r.Path)
	case strings.HasPrefix(r.Query, "?"):
		return fmt.Errorf("request: query %q: write it without the leading ?", r.Query)
	}
	if err := r.Payload.check(); err != nil {
		return fmt.Errorf("request: %w", err)
	}
	resp := in.Response
	if resp.Status < 100 || resp.Status > 999 {
		return fmt.Errorf("response: bad status %d (want 100-999)", resp.Status)
	}
	for name := range resp.Headers {
		if !isKeptHeader(name) {
			return fmt.Errorf("response: header %q is not one a cassette keeps (%s)", name, strings.Join(keptHeaders(), ", "))
		}
	}
	if err := resp.Payload.check(); err != nil {
		return fmt.Errorf("response: %w", err)
	}
	return nil
}

func isKeptHeader(name string) bool {
	for _, k := range keptHeaders() {
		if name == k {
			return true
		}
	}
	return false
}

// check reports a payload that holds more than one body or bad JSON.
func (p Payload) check() error {
	n := 0
	for _, set := range []bool{len(p.Body) > 0, p.BodyText != "", len(p.BodyBase64) > 0} {
		if set {
			n++
		}
	}
	if n > 1 {
		return errors.New("more than one of body, bodyText and bodyBase64")
	}
	if len(p.Body) > 0 && !json.Valid(p.Body) {
		return errors.New("body is not valid JSON")
	}
	return nil
}
