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
	needSampleTools(t)
	base := startCLIEmulator(t, "--seed", "none", "--token", "EXAMPLE_TOKEN")
	run := func(file string) string { return runSample(t, base, file, "") }
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

// TestVendorSamplesUser runs the user page's samples [click:user.md]
// against the demo data: 25 users, newest first, with the documented keys.
func TestVendorSamplesUser(t *testing.T) {
	needSampleTools(t)
	base := startCLIEmulator(t, "--seed", "demo", "--deterministic", "--token", "EXAMPLE_TOKEN")
	out := runSample(t, base, "get_all_users.py", "")
	for _, want := range []string{"'total': 299", "'options': {'page': 1, 'pageSize': 25", "'firstname': 'Andrea', 'lastname': 'Wang'", "'userType': ", "'createDate': '2026-01-01T00:05:42Z'"} {
		if !strings.Contains(out, want) {
			t.Errorf("get_all_users.py lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "'username': "); n != 25 {
		t.Errorf("get_all_users.py: %d users, want 25", n)
	}
	out = runSample(t, base, "get_all_users.mjs", "")
	if !strings.Contains(out, "total: 299") || !strings.Contains(out, "pageSize: 25") {
		t.Errorf("get_all_users.mjs: %s", out)
	}
}

// TestVendorSamplesErrors runs the error page's samples [click:errors.md]
// through each branch the emulator can take for their call: 200 when the
// token is theirs, 401 when it is not, 500 when a fault says so.
func TestVendorSamplesErrors(t *testing.T) {
	needSampleTools(t)
	ok := startCLIEmulator(t, "--seed", "demo", "--token", "YOUR_TOKEN")
	if out := runSample(t, ok, "errors.py", ""); !strings.Contains(out, "'total': 299") {
		t.Errorf("errors.py, 200: %s", out)
	}
	if out := runSample(t, ok, "errors.mjs", ""); !strings.Contains(out, "total: 299") {
		t.Errorf("errors.mjs, 200: %s", out)
	}
	other := startCLIEmulator(t, "--seed", "demo", "--token", "EXAMPLE_TOKEN")
	if out := runSample(t, other, "errors.py", ""); out != "Authentication required; refresh your token.\n" {
		t.Errorf("errors.py, 401: %q", out)
	}
	if out := runSample(t, other, "errors.mjs", ""); out != "Authentication required.\n" {
		t.Errorf("errors.mjs, 401: %q", out)
	}
	broken := startCLIEmulator(t, "--seed", "demo", "--token", "YOUR_TOKEN", "--faults", "500=1")
	if out := runSample(t, broken, "errors.py", ""); out != "Server error; try again later.\n" {
		t.Errorf("errors.py, 500: %q", out)
	}
}

// TestVendorSamplesLogin runs the authentication page's login samples
// [click:authentication.md] against an emulator started with their
// username and password: without MFA, and with a TOTP challenge whose code
// the Python sample reads from stdin (the JavaScript sample sends 123456).
func TestVendorSamplesLogin(t *testing.T) {
	needSampleTools(t)
	creds := []string{"--seed", "none", "--username", "user@example.com", "--password", "p@ssw0rd"}
	check := func(name, out string) {
		t.Helper()
		for _, want := range []string{"user@example.com", "Example Org", "firstName", "lastName", "jwtToken"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q:\n%s", name, want, out)
			}
		}
	}
	plain := startCLIEmulator(t, creds...)
	out := runSample(t, plain, "login.py", "")
	check("login.py", out)
	if strings.Contains(out, "Enter TOTP code") || !strings.Contains(out, "'mfa': False") {
		t.Errorf("login.py without MFA: %s", out)
	}
	check("login.mjs", runSample(t, plain, "login.mjs", ""))

	mfa := startCLIEmulator(t, append(creds, "--mfa-code", "123456")...)
	out = runSample(t, mfa, "login.py", "123456\n")
	check("login.py with TOTP", out)
	if !strings.Contains(out, "Enter TOTP code: ") || !strings.Contains(out, "'mfa': True") {
		t.Errorf("login.py with TOTP: %s", out)
	}
	check("login.mjs with TOTP", runSample(t, mfa, "login.mjs", ""))

	// A wrong code fails the sample at its raise_for_status (a 499).
	cmd := sampleCommand(t, mfa, "login.py")
	cmd.Stdin = strings.NewReader("000000\n")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "499") {
		t.Errorf("login.py with a wrong code: %v\n%s", err, out)
	}
}

// needSampleTools fails unless python3 (with requests) and node are here.
func needSampleTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"python3", "node"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed to run the vendor's samples: %v (.ci/run installs it)", tool, err)
		}
	}
}

// sampleCommand prepares the vendor sample file of testdata/seed-samples
// to run against the emulator at base: the only change is the port.
func sampleCommand(t *testing.T, base, file string) *exec.Cmd {
	t.Helper()
	port := base[strings.LastIndex(base, ":")+1:]
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
	return exec.Command(tool, path)
}

// runSample runs a vendor sample with stdin and returns its output,
// failing the test when it fails.
func runSample(t *testing.T, base, file, stdin string) string {
	t.Helper()
	cmd := sampleCommand(t, base, file)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", file, err, out)
	}
	return string(out)
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
	out := runSample(t, grants, "apitoken_insert.py", "")
	m := regexp.MustCompile(`'id': '([0-9a-f-]{36})', 'title': 'CI pipeline', 'token': '([^']+)', 'expirationDate': '2027-01-01T00:00:00Z'`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("apitoken_insert.py: %s", out)
	}
	id, minted := m[1], m[2]
	if code := getStatus(t, grants+"/projects/get_all?token="+url.QueryEscape(minted)); code != http.StatusOK {
		t.Fatalf("the minted token answers %d", code)
	}
	if out := runSample(t, grants, "apitoken_insert.mjs", ""); !strings.Contains(out, "title: 'CI pipeline'") || !strings.Contains(out, "token: '") {
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
	if out := runSample(t, grants, "permission_grant.py", ""); strings.TrimSpace(out) != "200" {
		t.Fatalf("permission_grant.py: %s", out)
	}
	if out := runSample(t, grants, "permission_grant.mjs", ""); strings.TrimSpace(out) != "200" {
		t.Fatalf("permission_grant.mjs: %s", out)
	}
	body := getBody(t, grants+"/userspermission/get_projects_assigned_to_user?userId=00000000-0000-0000-0000-000000000000&token=EXAMPLE_TOKEN")
	if !strings.Contains(body, `"total":1`) || !strings.Contains(body, `"projectId":"11111111-1111-1111-1111-111111111111","permissionType":2`) {
		t.Fatalf("the sample's grant: %s", body)
	}

	// sharedclouddrive and the users of a drive.
	if out := runSample(t, drives, "permission_drive_users.py", ""); !strings.Contains(out, "'username': 'user@example.com'") ||
		!strings.Contains(out, "'sharedClouDrive': {") || !strings.Contains(out, "'permissionType': 1") || !strings.Contains(out, "'total': 1") {
		t.Errorf("permission_drive_users.py: %s", out)
	}
	if out := runSample(t, drives, "drive_get_all.py", ""); !strings.Contains(out, "'name': 'Creative'") || !strings.Contains(out, "'storageName': 'my-shared-bucket'") ||
		!strings.Contains(out, "'pageSize': 20") {
		t.Errorf("drive_get_all.py: %s", out)
	}
	if out := runSample(t, drives, "drive_get_all.mjs", ""); !strings.Contains(out, "name: 'Creative'") || !strings.Contains(out, "total: 1") {
		t.Errorf("drive_get_all.mjs: %s", out)
	}
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
