package emulator

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// childDBEnv, when set, makes TestEmulatorChild serve an emulator on the
// bbolt file it names.
const childDBEnv = "CLICKSCRIPT_EMULATOR_CHILD"

// TestEmulatorChild is not a test of its own: TestKillDuringImport runs
// the test binary again with -test.run=^TestEmulatorChild$ and childDBEnv
// set, and this serves an emulator on that file, prints its URL and runs
// until it is killed.
func TestEmulatorChild(t *testing.T) {
	db := os.Getenv(childDBEnv)
	if db == "" {
		t.Skip("helper process of TestKillDuringImport")
	}
	e, err := New(Options{DBPath: db, Seed: "none", Token: testToken})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	fmt.Printf("listening http://%s\n", ln.Addr())
	err = http.Serve(ln, e)
	fmt.Fprintln(os.Stderr, "child:", err)
	os.Exit(4)
}

// startChild runs an emulator on db in a child process and returns it and
// its base URL. The child is killed when the test ends.
func startChild(t *testing.T, db string) (*exec.Cmd, string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestEmulatorChild$", "-test.count=1", "-test.timeout=10m")
	cmd.Env = append(os.Environ(), childDBEnv+"="+db)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
				lines <- u
				break
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case u := <-lines:
		return cmd, u
	case <-time.After(30 * time.Second):
		t.Fatalf("child emulator did not start; stderr: %s", &stderr)
		return nil, ""
	}
}

// importBatch is batch b of the kill test: perBatch users named
// kill-bBBB-uUUU@example.com, each assigned to group gid.
func importBatch(b, perBatch int, gid string) []importRequest {
	rows := make([]importRequest, perBatch)
	for i := range rows {
		rows[i] = importRequest{
			User:       importUserRequest{Username: fmt.Sprintf("kill-b%03d-u%03d@example.com", b, i), FirstName: "Batch", LastName: fmt.Sprint(b)},
			UserGroups: []groupRefRequest{{ID: gid}},
		}
	}
	return rows
}

func TestKillDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	rounds := 1
	if longTests() {
		rounds = 5
	}
	for round := range rounds {
		delay := time.Duration(2+round*3) * time.Millisecond
		t.Run(fmt.Sprint(round), func(t *testing.T) { killDuringImport(t, 200, 100, 8, 40+round*25, delay) })
	}
}

// killDuringImport sends batches import batches of perBatch relations from
// workers clients to an emulator in a child process, kills it with SIGKILL
// delay after killAfter batches were answered 200 (so that batches are in
// flight, some of them mid-commit), reopens its file and checks that every
// batch is there whole or not at all, and every answered one whole.
func killDuringImport(t *testing.T, batches, perBatch, workers, killAfter int, delay time.Duration) {
	db := filepath.Join(t.TempDir(), "kill.db")
	cmd, base := startChild(t, db)
	client := &http.Client{Timeout: time.Minute}
	post := func(route string, body any) (int, []byte, error) {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		resp, err := client.Post(base+withToken(route, testToken), "application/json", bytes.NewReader(data))
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		return resp.StatusCode, out, err
	}

	st, body, err := post(routeInsertGroup, groupRequest{Name: "Durability", Active: true})
	if err != nil || st != http.StatusOK {
		t.Fatalf("insert group: %d %s %v", st, body, err)
	}
	var g apiGroup
	if err := json.Unmarshal(body, &g); err != nil {
		t.Fatal(err)
	}

	var (
		mu       sync.Mutex
		answered = map[int]bool{} // batches answered 200
		failed   int              // batches that got no answer
		killOnce sync.Once
		killed   = make(chan struct{})
	)
	kill := func() {
		killOnce.Do(func() {
			if err := cmd.Process.Kill(); err != nil {
				t.Errorf("kill: %v", err)
			}
			close(killed)
		})
	}
	jobs := make(chan int)
	go func() {
		defer close(jobs)
		for b := range batches {
			select {
			case jobs <- b:
			case <-killed:
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for b := range jobs {
				st, body, err := post(routeImportUsers, importBatch(b, perBatch, g.ID))
				mu.Lock()
				switch {
				case err == nil && st == http.StatusOK:
					answered[b] = true
					if len(answered) == killAfter {
						time.AfterFunc(delay, kill)
					}
				case err == nil:
					t.Errorf("batch %d: %d %s", b, st, body)
				default:
					select {
					case <-killed:
						failed++
					default:
						t.Errorf("batch %d before the kill: %v", b, err)
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	kill() // in case every batch was answered first
	if err := cmd.Wait(); err == nil {
		t.Error("child exited cleanly, want it killed")
	}

	e, err := New(Options{DBPath: db, Token: testToken})
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	defer e.Close()
	present := 0
	for b := range batches {
		prefix := fmt.Sprintf("kill-b%03d-", b)
		users := decode[apiCollection[apiUser]](t, call(t, e, "GET", routeUsers+"?pagesize=1&username="+prefix, ""))
		members := decode[apiCollection[apiMembershipRow]](t, call(t, e, "GET",
			routeAssignedUsers+"?pagesize=1&userGroupId="+g.ID+"&username="+prefix, ""))
		switch {
		case users.Total == perBatch && members.Total == perBatch:
			present++
		case users.Total == 0 && members.Total == 0:
			if answered[b] {
				t.Errorf("batch %d was answered 200 but is missing", b)
			}
		default:
			t.Errorf("batch %d is torn: %d users, %d memberships, want 0 or %d of each", b, users.Total, members.Total, perBatch)
		}
	}
	if got, want := e.Stats(), (Stats{Groups: 1, Users: present * perBatch, Memberships: present * perBatch}); got != want {
		t.Errorf("stats %+v, want %+v", got, want)
	}
	// The reopened file takes writes.
	wantOK(t, call(t, e, "POST", routeImportUsers, mustJSON(t, importBatch(batches, perBatch, g.ID))))
	t.Logf("killed %s after the %dth answer: %d batches answered 200, %d got no answer (in flight or refused); "+
		"after reopening %d of %d batches are whole (%d committed unanswered), none torn",
		delay, killAfter, len(answered), failed, present, batches, present-len(answered))
	if present < len(answered) {
		t.Errorf("%d batches present, fewer than the %d answered", present, len(answered))
	}
}
