package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestSeedSamples runs the vendor page's sample calls (Python requests and
// JavaScript fetch, testdata/seed-samples/, copied verbatim) against
// `clickscript emulator --token EXAMPLE_TOKEN`, changing only the port.
func TestSeedSamples(t *testing.T) {
	for _, tool := range []string{"python3", "node"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed to run the vendor's samples: %v (.ci/run installs it)", tool, err)
		}
	}
	base := startCLIEmulator(t, "--seed", "none", "--token", "EXAMPLE_TOKEN")
	port := base[strings.LastIndex(base, ":")+1:]
	run := func(file string) string {
		src, err := os.ReadFile(filepath.Join("testdata", "seed-samples", file))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), file)
		if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(src), "localhost:29123", "127.0.0.1:"+port)), 0o644); err != nil {
			t.Fatal(err)
		}
		tool := "python3"
		if strings.HasSuffix(file, ".mjs") {
			tool = "node"
		}
		out, err := exec.Command(tool, path).CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", tool, file, err, out)
		}
		return string(out)
	}
	// Python: an empty list, then the insert, then the list holds it.
	if out := run("get_all.py"); !strings.Contains(out, "'data': []") || !strings.Contains(out, "'total': 0") {
		t.Errorf("get_all.py on an empty emulator: %s", out)
	}
	if out := run("insert.py"); !strings.Contains(out, "'name': 'Design Team'") || !strings.Contains(out, "'id': '") {
		t.Errorf("insert.py: %s", out)
	}
	if out := run("get_all.py"); !strings.Contains(out, "'total': 1") || !strings.Contains(out, "'description': 'Creative project team'") {
		t.Errorf("get_all.py after insert: %s", out)
	}
	// JavaScript: the same group again is a duplicate (a 499 problem body).
	if out := run("insert.mjs"); !strings.Contains(out, "type: 'DUPLICATE'") || !strings.Contains(out, "status: 499") {
		t.Errorf("insert.mjs duplicate: %s", out)
	}
	if out := run("get_all.mjs"); !strings.Contains(out, "total: 1") || !strings.Contains(out, "name: 'Design Team'") || !strings.Contains(out, "pageSize: 20") {
		t.Errorf("get_all.mjs: %s", out)
	}
}

// startCLIEmulator runs `clickscript emulator` (in process, through run) on
// a free loopback port and returns its base URL once it listens.
func startCLIEmulator(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"emulator", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != exitOK {
				t.Errorf("emulator exited %d", code)
			}
		case <-time.After(10 * time.Second):
			t.Error("emulator did not stop on cancel")
		}
	})
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if url, ok := strings.CutPrefix(sc.Text(), "emulator listening on "); ok {
			go io.Copy(io.Discard, pr)
			return url
		}
	}
	t.Fatal("emulator printed no URL")
	return ""
}

// TestSeedSamplesAccess runs the vendor's samples of the apitoken,
// userspermission and sharedclouddrive pages (testdata/seed-samples/,
// copied verbatim) against `clickscript emulator --token EXAMPLE_TOKEN`,
// changing only the port. The emulators are seeded with the records the
// samples name (user 00000000-..., project 11111111-..., drive
// 00000000-...) and run --deterministic, so that the sample's
// expirationDate (2027-01-01) stays in the future.
func TestSeedSamplesAccess(t *testing.T) {
	for _, tool := range []string{"python3", "node"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed to run the vendor's samples: %v (.ci/run installs it)", tool, err)
		}
	}
	seed := func(name string) string { return filepath.Join("testdata", "seed-samples", name) }
	grants := startCLIEmulator(t, "--seed", seed("permission-seed.json"), "--token", "EXAMPLE_TOKEN", "--deterministic")
	drives := startCLIEmulator(t, "--seed", seed("drive-seed.json"), "--token", "EXAMPLE_TOKEN", "--deterministic")

	// apitoken: the sample mints a token, which then works as ?token=
	// until it is deleted (I2, I17).
	out := runSample(t, grants, "apitoken_insert.py")
	m := regexp.MustCompile(`'id': '([0-9a-f-]{36})', 'title': 'CI pipeline', 'token': '([^']+)', 'expirationDate': '2027-01-01T00:00:00Z'`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("apitoken_insert.py: %s", out)
	}
	id, minted := m[1], m[2]
	if code := getStatus(t, grants+"/projects/get_all?token="+url.QueryEscape(minted)); code != http.StatusOK {
		t.Fatalf("the minted token answers %d", code)
	}
	if out := runSample(t, grants, "apitoken_insert.mjs"); !strings.Contains(out, "title: 'CI pipeline'") || !strings.Contains(out, "token: '") {
		t.Errorf("apitoken_insert.mjs: %s", out)
	}
	req, err := http.NewRequest(http.MethodDelete, grants+"/apitoken/delete?id="+id+"&token=EXAMPLE_TOKEN", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("apitoken/delete: %d", resp.StatusCode)
	}
	if code := getStatus(t, grants+"/projects/get_all?token="+url.QueryEscape(minted)); code != http.StatusUnauthorized {
		t.Fatalf("the deleted token answers %d", code)
	}

	// userspermission: granting the sample's user ReadWrite on the sample's
	// project answers 200 (twice: an existing pair is skipped, I22), and the
	// grant reads back.
	if out := runSample(t, grants, "permission_grant.py"); strings.TrimSpace(out) != "200" {
		t.Fatalf("permission_grant.py: %s", out)
	}
	if out := runSample(t, grants, "permission_grant.mjs"); strings.TrimSpace(out) != "200" {
		t.Fatalf("permission_grant.mjs: %s", out)
	}
	body := getBody(t, grants+"/userspermission/get_projects_assigned_to_user?userId=00000000-0000-0000-0000-000000000000&token=EXAMPLE_TOKEN")
	if !strings.Contains(body, `"total":1`) || !strings.Contains(body, `"projectId":"11111111-1111-1111-1111-111111111111","permissionType":2`) {
		t.Fatalf("the sample's grant: %s", body)
	}

	// sharedclouddrive and the users of a drive.
	if out := runSample(t, drives, "permission_drive_users.py"); !strings.Contains(out, "'username': 'user@example.com'") ||
		!strings.Contains(out, "'sharedClouDrive': {") || !strings.Contains(out, "'permissionType': 1") || !strings.Contains(out, "'total': 1") {
		t.Errorf("permission_drive_users.py: %s", out)
	}
	if out := runSample(t, drives, "drive_get_all.py"); !strings.Contains(out, "'name': 'Creative'") || !strings.Contains(out, "'storageName': 'my-shared-bucket'") ||
		!strings.Contains(out, "'pageSize': 20") {
		t.Errorf("drive_get_all.py: %s", out)
	}
	if out := runSample(t, drives, "drive_get_all.mjs"); !strings.Contains(out, "name: 'Creative'") || !strings.Contains(out, "total: 1") {
		t.Errorf("drive_get_all.mjs: %s", out)
	}
}

// runSample runs one sample file of testdata/seed-samples/ (python3, or
// node for .mjs) with its port changed to base's, and returns its output.
func runSample(t *testing.T, base, file string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "seed-samples", file))
	if err != nil {
		t.Fatal(err)
	}
	port := base[strings.LastIndex(base, ":")+1:]
	path := filepath.Join(t.TempDir(), file)
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(src), "localhost:29123", "127.0.0.1:"+port)), 0o644); err != nil {
		t.Fatal(err)
	}
	tool := "python3"
	if strings.HasSuffix(file, ".mjs") {
		tool = "node"
	}
	out, err := exec.Command(tool, path).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", tool, file, err, out)
	}
	return string(out)
}

// getStatus sends a GET to target and returns the status.
func getStatus(t *testing.T, target string) int {
	t.Helper()
	resp, err := http.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// getBody sends a GET to target and returns the body of its 200 answer.
func getBody(t *testing.T, target string) string {
	t.Helper()
	resp, err := http.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET: %d %s %v", resp.StatusCode, data, err)
	}
	return string(data)
}
