package cassette

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestNormalizeQuery(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"token=abc", ""},
		{"pagesize=50&token=abc&page=2", "page=2&pagesize=50"},
		{"Token=abc&TOKEN=def&a=1", "a=1"},
		{"%74oken=abc&a=1", "a=1"},
		{"name=Design+Team&a=%2F", "a=%2F&name=Design+Team"},
		{"tokens=keep&mytoken=keep", "mytoken=keep&tokens=keep"},
		{"b=2&&a=1&", "a=1&b=2"},
		{"b=%zz&token=abc&a=1", "a=1&b=%zz"},
	}
	for _, tt := range tests {
		if got := normalizeQuery(tt.in); got != tt.want {
			t.Errorf("normalizeQuery(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokensIn(t *testing.T) {
	got := tokensIn("a=1&token=one&TOKEN=two%2Bthree&token=")
	if len(got) != 2 || got[0] != "one" || got[1] != "two+three" {
		t.Errorf("tokensIn = %q", got)
	}
}

func TestScrubPayload(t *testing.T) {
	sc := scrubber{tokens: []string{"sekrit-value"}}
	tests := []struct {
		name string
		in   string
		want Payload
	}{
		{"empty", "", Payload{}},
		{"JSON compacted", "{ \"a\" : [1, 2],\n \"b\": null }\n", Payload{Body: []byte(`{"a":[1,2],"b":null}`)}},
		{"escapes kept when unchanged", `{"s":"caf\u00e9 \"q\" <b>"}`, Payload{Body: []byte(`{"s":"caf\u00e9 \"q\" <b>"}`)}},
		{"token value in a string", `{"msg":"saw sekrit-value twice: sekrit-value"}`, Payload{Body: []byte(`{"msg":"saw REDACTED twice: REDACTED"}`)}},
		{"escaped token", `{"msg":"\u0073ekrit-value"}`, Payload{Body: []byte(`{"msg":"REDACTED"}`)}},
		{"token= in a string", `{"url":"/x?a=1&token=abc\"q"}`, Payload{Body: []byte(`{"url":"/x?a=1&token=REDACTED\"q"}`)}},
		{"token as a key", `{"sekrit-value":1}`, Payload{Body: []byte(`{"REDACTED":1}`)}},
		{"secret keys", `{"Password":"p","jwtToken":"j","token":"","nested":{"TOKEN":"t","token":5}}`,
			Payload{Body: []byte(`{"Password":"REDACTED","jwtToken":"REDACTED","token":"","nested":{"TOKEN":"REDACTED","token":5}}`)}},
		{"api token keys", `[{"id":"t1","title":"CI","token":"api-value","encryptionKey":"k3y","isEncrypted":true}]`,
			Payload{Body: []byte(`[{"id":"t1","title":"CI","token":"REDACTED","encryptionKey":"REDACTED","isEncrypted":true}]`)}},
		{"secret key only as a key", `["password","token"]`, Payload{Body: []byte(`["password","token"]`)}},
		{"bare number", "42\n", Payload{Body: []byte("42")}},
		{"bare null", "null", Payload{BodyText: "null"}},
		{"HTML", "<p>sekrit-value</p>\n", Payload{BodyText: "<p>REDACTED</p>\n"}},
		{"binary", "\xff\x00sekrit-value", Payload{BodyBase64: []byte("\xff\x00REDACTED")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sc.payload([]byte(tt.in))
			if !bytes.Equal(got.Body, tt.want.Body) || got.BodyText != tt.want.BodyText || !bytes.Equal(got.BodyBase64, tt.want.BodyBase64) {
				t.Errorf("payload(%q) = body %s text %q base64 %q, want %s %q %q", tt.in,
					got.Body, got.BodyText, got.BodyBase64, tt.want.Body, tt.want.BodyText, tt.want.BodyBase64)
			}
		})
	}
}

func TestRecordReplayBinaryAndNullBodies(t *testing.T) {
	bodies := map[string]string{"/bin": "\x89PNG\r\n\x1a\n\xff", "/null": "null", "/ws": " [1, 2] "}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, bodies[r.URL.Path])
	}))
	defer srv.Close()
	rec := NewRecorder(nil)
	for _, p := range []string{"/bin", "/null", "/ws"} {
		if _, err := send(t, &http.Client{Transport: rec}, "GET", srv.URL+p, ""); err != nil {
			t.Fatal(err)
		}
	}
	data, err := rec.Cassette().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	c2 := &http.Client{Transport: NewReplayer(c)}
	for p, want := range map[string]string{"/bin": bodies["/bin"], "/null": "null", "/ws": "[1,2]"} {
		got, err := send(t, c2, "GET", "http://agent"+p, "")
		if err != nil {
			t.Fatal(err)
		}
		if got.body != want {
			t.Errorf("%s replayed as %q, want %q", p, got.body, want)
		}
	}
}
