package main

import (
	"io"

	"github.com/clickscript/clickscript/clickapi"
)

// A command's secrets are one clickapi.Secrets set, made by Main.Run: the
// session token however it came (--token, --token-file, CLICK_TOKEN, the
// profile's token file, a login), the password of a login or of a
// profile's credentials, and the tokens a login, a re-login or
// apitoken.insert returns. Their values are redacted (see
// clickapi.MinSecretLength for the values too short to be) from
// everything the program writes:
//
//   - stdout and stderr, wrapped once by Main.Run: script output (print,
//     io.write), log lines, error messages and Lua tracebacks, the REPL's
//     answers; a supervised child (child.go) is this same program and
//     wraps its own streams;
//   - audit, results and journal files (bulkFlags.open), cassettes
//     (cassette.Recorder.UseSecrets) and the REPL history.
//
// Not altered: files a script writes itself (io.open, csv.write) hold its
// own data, and `token create` shows the token it minted once on purpose,
// on the raw stdout (reveal).

// redacting returns s with stdout and stderr redacting s.secrets (a new
// set when s has none). Streams that redact already are kept.
func (s streams) redacting() streams {
	if s.secrets == nil {
		s.secrets = &clickapi.Secrets{}
	}
	if _, ok := s.stdout.(*clickapi.Writer); !ok {
		s.stdout = clickapi.NewWriter(s.stdout, s.secrets)
	}
	if _, ok := s.stderr.(*clickapi.Writer); !ok {
		s.stderr = clickapi.NewWriter(s.stderr, s.secrets)
	}
	return s
}

// flush writes what the redacting streams held back (the start of a
// possible secret at the end of a write).
func (s streams) flush() {
	for _, w := range []io.Writer{s.stdout, s.stderr} {
		if rw, ok := w.(*clickapi.Writer); ok {
			rw.Flush()
		}
	}
}

// rawWriter returns the stream under a redacting writer (w itself when it
// is none): to tell whether it is a terminal, or to hand it to a process
// that redacts its own output.
func rawWriter(w io.Writer) io.Writer {
	if rw, ok := w.(*clickapi.Writer); ok {
		rw.Flush()
		return rw.Unwrap()
	}
	return w
}

// reveal returns the raw stream under w for the one value the program
// shows on purpose (the token `token create` minted), after writing what w
// held back.
func reveal(w io.Writer) io.Writer { return rawWriter(w) }
