package emulator

import (
	"fmt"
	"strings"
)

// problem is an application error: a 499 answer of one type with messages
// that say what is wrong and where.
type problem struct {
	code string
	msgs []string
}

// Error joins the type and messages.
func (p *problem) Error() string {
	return p.code + ": " + strings.Join(p.msgs, "; ")
}

// body is p as a ValidationProblemDetails body with status.
func (p *problem) body(status int) apiProblem {
	return apiProblem{Type: p.code, Status: status, Errors: map[string][]string{p.code: p.msgs}}
}

// problemf returns a problem of type code with one formatted message.
func problemf(code, format string, args ...any) *problem {
	return &problem{code: code, msgs: []string{fmt.Sprintf(format, args...)}}
}

// invalidf returns a DEFAULT problem (I11) with one formatted message.
func invalidf(format string, args ...any) *problem {
	return problemf(codeBadInput, format, args...)
}

// notFoundf returns a NOT_FOUND problem (I11) with one formatted message.
func notFoundf(format string, args ...any) *problem {
	return problemf(codeUnknownID, format, args...)
}

// duplicateName returns the DUPLICATE problem of a taken group name.
func duplicateName() *problem {
	return &problem{code: codeNameTaken, msgs: []string{msgDuplicateName}}
}

// paymentRequired is the 402 of an account without an active subscription
// [web:usergroup.md]; its body is a problem of type COST (I10).
type paymentRequired struct{ msg string }

// Error returns the message.
func (p *paymentRequired) Error() string { return p.msg }

// unauthorized is a 401 without a body [click:errors.md] (I10).
type unauthorized struct{ why string }

// Error says why.
func (u *unauthorized) Error() string { return "unauthorized: " + u.why }

// problems collects the messages of one kind of problem over a whole
// request body, so that bulk input is reported whole.
type problems struct {
	code  string
	msgs  []string
	extra int
}

// addf records one formatted message, beyond maxMessages only counting it.
func (ps *problems) addf(format string, args ...any) {
	if len(ps.msgs) >= maxMessages {
		ps.extra++
		return
	}
	ps.msgs = append(ps.msgs, fmt.Sprintf(format, args...))
}

// add records the messages of p.
func (ps *problems) add(p *problem) {
	for _, m := range p.msgs {
		ps.addf("%s", m)
	}
}

// err returns the collected problem, or nil when there is none.
func (ps *problems) err() error {
	if len(ps.msgs) == 0 {
		return nil
	}
	msgs := ps.msgs
	if ps.extra > 0 {
		msgs = append(msgs, fmt.Sprintf("... and %d more", ps.extra))
	}
	return &problem{code: ps.code, msgs: msgs}
}
