package cassette

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// sample is a valid cassette in the file format, as Marshal writes it.
const sample = `{
  "version": 1,
  "interactions": [
    {
      "request": {
        "method": "POST",
        "path": "/usergroup/insert",
        "query": "",
        "body": {
          "name": "Design <Team> & co",
          "active": true
        }
      },
      "response": {
        "status": 200,
        "headers": {
          "content-type": "application/json"
        },
        "body": {
          "id": "g1",
          "name": "Design <Team> & co"
        }
      }
    },
    {
      "request": {
        "method": "GET",
        "path": "/usergroup/get_all",
        "query": "page=2&pagesize=50"
      },
      "response": {
        "status": 502,
        "headers": {
          "content-type": "text/html",
          "retry-after": "3"
        },
        "bodyText": "<html>bad gateway</html>\n"
      }
    },
    {
      "request": {
        "method": "GET",
        "path": "/blob",
        "query": ""
      },
      "response": {
        "status": 200,
        "bodyBase64": "/wA="
      }
    }
  ]
}
`

func TestParseMarshalRoundTrip(t *testing.T) {
	c, err := Parse([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(c.Interactions[0].Request.Body); got != `{"name":"Design <Team> & co","active":true}` {
		t.Errorf("parsed body held as %s, want it compacted in key order", got)
	}
	if got := c.Interactions[2].Response.Bytes(); !bytes.Equal(got, []byte{0xff, 0}) {
		t.Errorf("bodyBase64 = %v", got)
	}
	out, err := c.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != sample {
		t.Errorf("Marshal(Parse(sample)) differs from sample:\n%s", out)
	}
}

func TestMarshalEmptyAndNullBody(t *testing.T) {
	out, err := (&Cassette{Version: Version}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"version\": 1,\n  \"interactions\": []\n}\n"; string(out) != want {
		t.Errorf("empty cassette:\n%s\nwant:\n%s", out, want)
	}
	c, err := Parse([]byte(`{"version":1,"interactions":[{"request":{"method":"GET","path":"/","query":"","body":null},"response":{"status":500,"body":null}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	in := c.Interactions[0]
	if in.Request.Body != nil || in.Response.Body != nil || in.Response.Bytes() != nil {
		t.Errorf(`"body": null should mean no body, got %+v`, in)
	}
}

func TestParseErrors(t *testing.T) {
	const req = `"request":{"method":"GET","path":"/x","query":""}`
	const resp = `"response":{"status":200}`
	one := func(request, response string) string {
		return `{"version":1,"interactions":[{` + req + `,` + resp + `},{` + request + `,` + response + `}]}`
	}
	tests := []struct {
		name, data, want string
	}{
		{"empty", ``, "cassette: empty document, want a JSON object"},
		{"not JSON", `version: 1`, "cassette: not JSON: invalid character 'v' looking for beginning of value"},
		{"truncated", `{"version": 1, "interactions": [`, "cassette: not JSON: unexpected end of JSON input"},
		{"trailing data", `{"version":1,"interactions":[]} {}`, "cassette: not JSON: invalid character '{' after top-level value"},
		{"array", `[]`, "cassette: want a JSON object, got an array"},
		{"null", `null`, "cassette: want a JSON object, got null"},
		{"missing version", `{"interactions":[]}`, "cassette: missing version"},
		{"wrong version", `{"version":2,"interactions":[]}`, "cassette: unknown version 2 (this program reads version 1)"},
		{"string version", `{"version":"1","interactions":[]}`, `cassette: unknown version "1" (this program reads version 1)`},
		{"unknown top field", `{"version":1,"interactions":[],"extra":true}`, `cassette: unknown field "extra"`},
		{"missing interactions", `{"version":1}`, "cassette: missing interactions (want an array)"},
		{"interactions object", `{"version":1,"interactions":{}}`, "cassette: interactions: want an array, got an object"},
		{"interactions string", `{"version":1,"interactions":"x"}`, "cassette: interactions: want an array, got a string"},
		{"interaction not object", `{"version":1,"interactions":[7]}`, "cassette: interactions[0]: want a JSON object, got a number"},
		{"missing method", one(`"request":{"path":"/x","query":""}`, resp), "cassette: interactions[1]: request: missing method"},
		{"bad method", one(`"request":{"method":"GE T","path":"/x","query":""}`, resp), `cassette: interactions[1]: request: bad method "GE T"`},
		{"relative path", one(`"request":{"method":"GET","path":"x","query":""}`, resp), `cassette: interactions[1]: request: path "x": want an absolute path starting with /`},
		{"query with ?", one(`"request":{"method":"GET","path":"/x","query":"?a=1"}`, resp), `cassette: interactions[1]: request: query "?a=1": write it without the leading ?`},
		{"method not string", one(`"request":{"method":1,"path":"/x","query":""}`, resp), "cassette: interactions[1]: request: method: want a string, got a JSON number"},
		{"unknown request field", one(`"request":{"method":"GET","path":"/x","query":"","headers":{}}`, resp), `cassette: interactions[1]: request: unknown field "headers"`},
		{"two bodies", one(`"request":{"method":"GET","path":"/x","query":"","body":{},"bodyText":"a"}`, resp), "cassette: interactions[1]: request: more than one of body, bodyText and bodyBase64"},
		{"unknown interaction field", one(req, `"x":1`), `cassette: interactions[1]: unknown field "x"`},
		{"missing response", `{"version":1,"interactions":[{` + req + `}]}`, "cassette: interactions[0]: missing response"},
		{"null response", one(req, `"response":null`), "cassette: interactions[1]: missing response"},
		{"request not object", one(`"request":[]`, resp), "cassette: interactions[1]: request: want a JSON object, got an array"},
		{"headers not object", one(req, `"response":{"status":200,"headers":["a"]}`), "cassette: interactions[1]: response: headers: want an object, got a JSON array"},
		{"status 0", one(req, `"response":{"status":0}`), "cassette: interactions[1]: response: bad status 0 (want 100-999)"},
		{"status missing", one(req, `"response":{}`), "cassette: interactions[1]: response: bad status 0 (want 100-999)"},
		{"status 1000", one(req, `"response":{"status":1000}`), "cassette: interactions[1]: response: bad status 1000 (want 100-999)"},
		{"status text", one(req, `"response":{"status":"200"}`), "cassette: interactions[1]: response: status: want an integer, got a JSON string"},
		{"unkept header", one(req, `"response":{"status":200,"headers":{"Content-Type":"text/plain"}}`), `cassette: interactions[1]: response: header "Content-Type" is not one a cassette keeps (content-type, error-code, retry-after)`},
		{"bad base64", one(req, `"response":{"status":200,"bodyBase64":"!!"}`), "cassette: interactions[1]: response: bodyBase64: illegal base64 data at input byte 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse([]byte(tt.data))
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", c)
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n got %s\nwant %s", err, tt.want)
			}
		})
	}
}

func TestLoadNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"version":3,"interactions":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(bad)
	if err == nil || err.Error() != bad+": cassette: unknown version 3 (this program reads version 1)" {
		t.Errorf("Load(bad) error = %v", err)
	}
	_, err = Load(filepath.Join(dir, "missing.json"))
	if !os.IsNotExist(unwrapAll(err)) || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("Load(missing) error = %v", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}

func TestSaveIsAtomicAndReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Parse([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != sample {
		t.Errorf("saved file:\n%s", data)
	}
	// A cassette is a record file: readable by its owner only, whatever
	// the file it replaces allowed (it holds the account's data).
	if fi, err := os.Stat(path); err != nil {
		t.Fatal(err)
	} else if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("saved cassette has mode %v, want 0600", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the cassette (no temp file left)", len(entries))
	}
	bad := &Cassette{Version: Version, Interactions: []Interaction{{Request: Request{Method: "GET", Path: "/"}}}}
	if err := bad.Save(path); err == nil || err.Error() != "cassette: interactions[0]: response: bad status 0 (want 100-999)" {
		t.Errorf("Save(invalid) error = %v", err)
	}
	if err := c.Save(filepath.Join(dir, "no", "such", "dir.json")); err == nil {
		t.Error("Save into a missing directory succeeded")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte(`{"version":1,"interactions":[]}`))
	f.Add([]byte(`{"version":1,"interactions":[{"request":{"method":"GET","path":"/","query":"a=1","body":null},"response":{"status":200,"body":"\u2028<x>","headers":{"error-code":"X"}}}]}`))
	f.Add([]byte(`{"version":1,"interactions":[{"request":{"method":"GET","path":"/","query":""},"response":{"status":200,"bodyText":"null"}}]}`))
	f.Add([]byte(`{"version":1,"interactions":{}}`))
	f.Add([]byte(`[1,2]`))
	f.Add([]byte(`{"version":1e400}`))
	f.Add([]byte{0xff, '{'})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			return
		}
		out, err := c.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a parsed cassette: %v", err)
		}
		c2, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse of a marshalled cassette: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(normalized(c), normalized(c2)) {
			t.Fatalf("round trip changed the cassette:\n%+v\n%+v", c, c2)
		}
		out2, err := c2.Marshal()
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("Marshal is not stable (%v):\n%s\n%s", err, out, out2)
		}
	})
}

// normalized maps empty and nil slices and maps alike, for comparisons.
func normalized(c *Cassette) []byte {
	b, _ := json.Marshal(c)
	return b
}
