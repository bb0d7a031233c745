package clickapi

import (
	"encoding/json"
	"testing"
)

// TestRedactKeepsJSONValid: a record file line (an audit entry whose
// error holds the request URL) stays valid JSON once redacted, with the
// token gone; the URL's closing quote is escaped there, and the token
// pattern must stop at the backslash.
func TestRedactKeepsJSONValid(t *testing.T) {
	line, _ := json.Marshal(map[string]string{"error": `POST /usergroup/import_users: Post "http://127.0.0.1:1/usergroup/import_users?token=tok-SECRET-1": EOF`})
	out := Redact(string(line))
	var back map[string]string
	if err := json.Unmarshal([]byte(out), &back); err != nil {
		t.Fatalf("redacted line %s is not JSON: %v", out, err)
	}
	if want := `POST /usergroup/import_users: Post "http://127.0.0.1:1/usergroup/import_users?token=REDACTED": EOF`; back["error"] != want {
		t.Errorf("error %q, want %q", back["error"], want)
	}
}
