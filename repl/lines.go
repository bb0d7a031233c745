package repl

import (
	"bufio"
	"io"
	"strings"
)

// LineRead is a line of piped input (its line end removed), or the error
// that ended the input (io.EOF at its end).
type LineRead struct {
	Line string
	Err  error
}

// ReadLines reads lines from in aside, so that a session waiting for input
// that never comes can still end (on its context). The last value sent
// carries the error that ended the input. stop ends the reading; a reader
// blocked in in's Read stays so until that Read returns.
func ReadLines(in io.Reader) (lines <-chan LineRead, stop func()) {
	ch := make(chan LineRead)
	done := make(chan struct{})
	go func() {
		br := bufio.NewReader(in)
		for {
			s, err := br.ReadString('\n')
			if s != "" {
				select {
				case ch <- LineRead{Line: strings.TrimRight(s, "\r\n")}:
				case <-done:
					return
				}
			}
			if err != nil {
				select {
				case ch <- LineRead{Err: err}:
				case <-done:
				}
				return
			}
		}
	}()
	return ch, func() { close(done) }
}
