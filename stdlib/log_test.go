package stdlib

import (
	"bytes"
	"log/slog"
	"regexp"
	"strings"
	"testing"
)

func TestLog(t *testing.T) {
	tests := []struct {
		name  string
		chunk string
		want  string // the output, one record per line
	}{
		{"message only", `log.info("hello")`, `level=INFO msg=hello`},
		{"key-values in call order", `log.info("sync", "group", "Design", "added", 3, "dry", true)`, `level=INFO msg=sync group=Design added=3 dry=true`},
		{"table of fields in key order", `log.warn("slow", {zeta = 1, alpha = "a", mid = 2.5})`, `level=WARN msg=slow alpha=a mid=2.5 zeta=1`},
		{"levels", `log.debug("d") log.info("i") log.warn("w") log.error("e")`,
			"level=DEBUG msg=d\nlevel=INFO msg=i\nlevel=WARN msg=w\nlevel=ERROR msg=e"},
		{"table value as JSON", `log.info("got", "group", {id = 1, name = "Design Team", tags = {}})`,
			`level=INFO msg=got group="{\"id\":1,\"name\":\"Design Team\",\"tags\":[]}"`},
		{"array value as JSON", `log.info("ids", "ids", {1, 2, 3})`, `level=INFO msg=ids ids="[1,2,3]"`},
		{"null and nil", `log.info("n", "a", json.null, "b", nil)`, `level=INFO msg=n a=<nil> b=<nil>`},
		{"numbers", `log.info("n", "i", 2^53, "f", 0.1, "big", 1e21)`, `level=INFO msg=n i=9007199254740992 f=0.1 big=1e+21`},
		{"spaces quoted", `log.info("a message", "k", "two words")`, `level=INFO msg="a message" k="two words"`},
		{"__tostring", `log.error("failed", "err", setmetatable({status = 499}, {__tostring = function(e) return "usergroup.insert: 499 DUPLICATE" end}))`,
			`level=ERROR msg=failed err="usergroup.insert: 499 DUPLICATE"`},
		{"number message", `log.info(42)`, `level=INFO msg=42`},
		{"empty fields table", `log.info("x", {})`, `level=INFO msg=x`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger, buf := logBuffer(slog.LevelDebug)
			L := newStateWithLogger(t, logger)
			run(t, L, tt.chunk)
			if got := strings.TrimSuffix(buf.String(), "\n"); got != tt.want {
				t.Errorf("output:\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestLogUnconvertibleValues(t *testing.T) {
	logger, buf := logBuffer(slog.LevelDebug)
	L := newStateWithLogger(t, logger)
	run(t, L, `log.info("odd", "fn", print, "nan", 0/0, "t", {f = print})`)
	re := regexp.MustCompile(`^level=INFO msg=odd fn="function: 0x[0-9a-f]+" nan=NaN t="table: 0x[0-9a-f]+ \(\$\.f: cannot encode a function\)"\n$`)
	if !re.MatchString(buf.String()) {
		t.Errorf("output %q does not match %s", buf.String(), re)
	}
}

func TestLogJSONHandler(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		},
	}))
	L := newStateWithLogger(t, logger)
	run(t, L, `log.info("got", {group = {id = 1, name = "<D>", members = {}}, n = 2})`)
	want := `{"level":"INFO","msg":"got","group":{"id":1,"members":[],"name":"<D>"},"n":2}` + "\n"
	if buf.String() != want {
		t.Errorf("output:\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestLogErrors(t *testing.T) {
	tests := []struct{ chunk, want string }{
		{`log.info("x", "k")`, "log.info: odd number of key-value arguments (1); pass key, value pairs or one table of fields"},
		{`log.warn("x", "a", 1, "b")`, "log.warn: odd number of key-value arguments (3)"},
		{`log.info("x", nil)`, "log.info: odd number of key-value arguments (1)"},
		{`log.error("x", 1, 2)`, "log.error: argument #2 is a field name and must be a string, got number 1"},
		{`log.info("x", {1, 2})`, "log.info: field names must be strings, got the number key 1"},
		{`log.info("x", {a = 1}, "b", 2)`, "log.info: odd number of key-value arguments (3)"},
		{`log.info("x", {a = 1}, "b")`, "log.info: argument #2 is a field name and must be a string, got a table"},
		{`log.info()`, "bad argument #1 to info (string expected, got nil)"},
		{`log.info({})`, "bad argument #1 to info (string expected, got table)"},
		// Disabled levels still check their arguments.
		{`log.debug("x", "k")`, "log.debug: odd number of key-value arguments (1)"},
		{`log.debug("x", {[true] = 1})`, "log.debug: field names must be strings, got the boolean key true"},
	}
	for _, tt := range tests {
		logger, buf := logBuffer(slog.LevelInfo)
		L := newStateWithLogger(t, logger)
		if msg := runErr(t, L, tt.chunk); !strings.Contains(msg, tt.want) {
			t.Errorf("%s: error %q, want it to contain %q", tt.chunk, msg, tt.want)
		}
		if buf.Len() != 0 {
			t.Errorf("%s logged %q despite the error", tt.chunk, buf.String())
		}
	}
}

func TestLogLevelFiltering(t *testing.T) {
	logger, buf := logBuffer(slog.LevelWarn)
	L := newStateWithLogger(t, logger)
	run(t, L, `log.debug("d", "k", 1) log.info("i", {k = 1}) log.warn("w") log.error("e")`)
	if got, want := buf.String(), "level=WARN msg=w\nlevel=ERROR msg=e\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}
