package audit

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestLogAppendAndRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.audit")
	l, err := OpenLog(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.Append(Entry{Time: time.Unix(int64(i), 0), Op: "usergroup.assign", Endpoint: "POST /usergroup/assign_users", Items: i,
				Status: 200, Added: []Pair{{UserID: "u", UserGroupID: "g"}}})
		}()
	}
	wg.Wait()
	l.Close()
	entries, err := ReadLog(path)
	if err != nil || len(entries) != 20 {
		t.Fatalf("%d entries, %v", len(entries), err)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
	// Appending to an existing log keeps what is there.
	l, _ = OpenLog(path, nil)
	l.Append(Entry{Op: "usergroup.sync"})
	l.Close()
	if entries, _ := ReadLog(path); len(entries) != 21 {
		t.Errorf("after a second run: %d entries", len(entries))
	}
}

func TestReadLogTornLastLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.audit")
	good := `{"time":"2026-01-01T00:00:00Z","op":"usergroup.assign","endpoint":"POST /usergroup/assign_users","items":1,"status":200,"duration_ms":1}`
	os.WriteFile(path, []byte(good+"\n"+good[:40]), 0o600)
	entries, err := ReadLog(path)
	if err != nil || len(entries) != 1 {
		t.Fatalf("a torn last line (a crash mid-write) must be ignored: %d entries, %v", len(entries), err)
	}
	os.WriteFile(path, []byte(good[:40]+"\n"+good+"\n"), 0o600)
	if _, err := ReadLog(path); err == nil || !strings.Contains(err.Error(), "run.audit:1:") {
		t.Errorf("a bad line in the middle: err = %v, want it named with its line", err)
	}
}

func TestJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "import.journal")
	j, err := OpenJournal(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	k1, _ := BatchKey("POST /usergroup/import_users", []string{"a", "b"})
	k2, _ := BatchKey("POST /usergroup/import_users", []string{"a", "c"})
	k3, _ := BatchKey("POST /usergroup/assign_users", []string{"a", "b"})
	if k1 == k2 || k1 == k3 {
		t.Fatal("different batches share a key")
	}
	if again, _ := BatchKey("POST /usergroup/import_users", []string{"a", "b"}); again != k1 {
		t.Fatal("the same batch has two keys")
	}
	if err := j.Record(k1, "usergroup.import", "POST /usergroup/import_users", 2); err != nil {
		t.Fatal(err)
	}
	j.Close()
	// A crash mid-append leaves a torn line: the journal still opens.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"batch":"abc`)
	f.Close()
	j, err = OpenJournal(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if !j.Applied(k1) || j.Applied(k2) || j.Len() != 1 {
		t.Errorf("reopened journal: applied(k1)=%v applied(k2)=%v len=%d", j.Applied(k1), j.Applied(k2), j.Len())
	}
}

func TestResults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "results.csv")
	r, err := CreateResults(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Add(Result{Row: 2, User: "ada@x", Group: "Design, Team", Action: "add", Outcome: "applied"},
		Result{Row: 3, User: "bob@x", Group: "Finance", Action: "add", Outcome: "failed", Message: `499 "NOT_FOUND"`})
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	want := "row,user,group,action,outcome,message\n2,ada@x,\"Design, Team\",add,applied,\n3,bob@x,Finance,add,failed,\"499 \"\"NOT_FOUND\"\"\"\n"
	if string(data) != want {
		t.Errorf("results file:\n%s\nwant:\n%s", data, want)
	}
}

func TestReadLogCheckedListsEveryBadLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.audit")
	os.WriteFile(path, []byte("{\"op\":\"a\"}\nnot json\n\n{\"op\":\"b\"}\n{\"op\":\"c\""), 0o600)
	entries, bad, err := ReadLogChecked(path)
	if err != nil || len(entries) != 2 || entries[1].Op != "b" {
		t.Fatalf("entries %v, err %v", entries, err)
	}
	if len(bad) != 2 || bad[0].Line != 2 || bad[1].Line != 5 || !strings.HasPrefix(bad[1].String(), path+":5: not an audit entry") {
		t.Errorf("bad lines %v", bad)
	}
}

// TestRecordFilesRedact checks that each record file passes what it
// writes through its Redactor.
func TestRecordFilesRedact(t *testing.T) {
	const secret = "s3cret-value"
	redact := func(s string) string { return strings.ReplaceAll(s, secret, "REDACTED") }
	dir := t.TempDir()
	l, err := OpenLog(filepath.Join(dir, "audit"), redact)
	if err != nil {
		t.Fatal(err)
	}
	l.Append(Entry{Op: "usergroup.insert", Error: "name " + secret + " taken", Added: []Pair{{UserGroupID: "g", GroupName: secret}}})
	l.Close()
	j, err := OpenJournal(filepath.Join(dir, "journal"), redact)
	if err != nil {
		t.Fatal(err)
	}
	j.Record("k", "op "+secret, "POST /x", 1)
	j.Close()
	r, err := CreateResults(filepath.Join(dir, "results"), redact)
	if err != nil {
		t.Fatal(err)
	}
	r.Add(Result{Row: 2, User: secret + "@example.com", Group: secret, Action: "add", Outcome: "failed", Message: "x " + secret})
	r.Close()
	for _, name := range []string{"audit", "journal", "results"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), secret) || !strings.Contains(string(data), "REDACTED") {
			t.Errorf("%s: %s", name, data)
		}
	}
}
