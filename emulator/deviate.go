package emulator

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Deviation names: each makes the emulator break one documented fact of
// the wire contract, the way a real agent might, so that a check of a live
// agent (clickscript doctor) can be shown to notice. See Deviations.
const (
	DeviateUsersAscending      = "users-ascending"
	DeviateFilterCaseSensitive = "filter-case-sensitive"
	DeviateNoOptions           = "no-options"
	DeviateBareArray           = "bare-array"
	DeviatePastEndError        = "past-end-error"
	DeviateTotalIsPage         = "total-is-page"
	DeviateSerial              = "serial"
	DeviateAgentNotStarted     = "agent-not-started"
	DeviateAuth499             = "auth-499"
)

// serialServiceTime is how long each request takes under the serial
// deviation, so that serving one request at a time is measurable.
const serialServiceTime = 10 * time.Millisecond

// Deviations are the contract facts an Emulator breaks on purpose. The
// zero value follows the contract.
type Deviations struct {
	// UsersAscending lists users by CreateDate ascending unless asked,
	// where the vendor documents descending [click:user.md].
	UsersAscending bool
	// FilterCaseSensitive makes the name and username filters of every
	// list match case-sensitively (documented: ignoring case).
	FilterCaseSensitive bool
	// NoOptions leaves options out of every collection: {data, total}.
	NoOptions bool
	// BareArray answers every list with a bare JSON array of its rows.
	BareArray bool
	// PastEndError answers a page past the end of a non-empty list with
	// 499 DEFAULT instead of 200 with data [] (I7).
	PastEndError bool
	// TotalIsPage makes total count the rows of the page, not every match
	// (I4).
	TotalIsPage bool
	// Serial serves one request at a time, each taking at least 10ms.
	Serial bool
	// AgentNotStarted makes agent_status answer 0 (Created) instead of 1.
	AgentNotStarted bool
	// Auth499 answers authentication failures with 499 AUTH and a problem
	// body (the Web API's form) instead of an empty 401 [click:errors.md].
	Auth499 bool
}

// deviation is one named Deviations field with what it does.
type deviation struct {
	name, effect string
	field        func(*Deviations) *bool
}

// deviations lists every deviation in a fixed order.
func deviations() []deviation {
	return []deviation{
		{DeviateUsersAscending, "user/get_all_users lists oldest first unless asked (documented: CreateDate descending)",
			func(d *Deviations) *bool { return &d.UsersAscending }},
		{DeviateFilterCaseSensitive, "name and username filters match case-sensitively (documented: ignoring case)",
			func(d *Deviations) *bool { return &d.FilterCaseSensitive }},
		{DeviateNoOptions, "collections leave out options: {data, total}",
			func(d *Deviations) *bool { return &d.NoOptions }},
		{DeviateBareArray, "lists answer a bare JSON array of rows, no data/total/options",
			func(d *Deviations) *bool { return &d.BareArray }},
		{DeviatePastEndError, "a page past the end answers 499 DEFAULT instead of 200 with data []",
			func(d *Deviations) *bool { return &d.PastEndError }},
		{DeviateTotalIsPage, "total counts the rows of the page instead of every match",
			func(d *Deviations) *bool { return &d.TotalIsPage }},
		{DeviateSerial, "requests are served one at a time, each taking at least 10ms",
			func(d *Deviations) *bool { return &d.Serial }},
		{DeviateAgentNotStarted, "management/agent_status answers 0 (Created) instead of 1 (Started)",
			func(d *Deviations) *bool { return &d.AgentNotStarted }},
		{DeviateAuth499, "authentication failures answer 499 AUTH with a body instead of an empty 401",
			func(d *Deviations) *bool { return &d.Auth499 }},
	}
}

// DeviationHelp lists every deviation name with its effect, one per line.
func DeviationHelp() string {
	var b strings.Builder
	for _, d := range deviations() {
		fmt.Fprintf(&b, "  %-22s %s\n", d.name, d.effect)
	}
	return b.String()
}

// ParseDeviations reads a comma-separated list of deviation names
// (DeviateUsersAscending, ...). An empty spec deviates from nothing; an
// unknown or repeated name is an error that lists the known ones.
func ParseDeviations(spec string) (Deviations, error) {
	var d Deviations
	if strings.TrimSpace(spec) == "" {
		return d, nil
	}
	all := deviations()
	for item := range strings.SplitSeq(spec, ",") {
		name := strings.ToLower(strings.TrimSpace(item))
		i := slices.IndexFunc(all, func(dv deviation) bool { return dv.name == name })
		if i < 0 {
			known := make([]string, len(all))
			for j, dv := range all {
				known[j] = dv.name
			}
			return Deviations{}, fmt.Errorf("unknown deviation %q; use one of %s", item, strings.Join(known, ", "))
		}
		p := all[i].field(&d)
		if *p {
			return Deviations{}, fmt.Errorf("deviation %q given twice", name)
		}
		*p = true
	}
	return d, nil
}

// String renders d as a spec ParseDeviations reads back.
func (d Deviations) String() string {
	var on []string
	for _, dv := range deviations() {
		if *dv.field(&d) {
			on = append(on, dv.name)
		}
	}
	return strings.Join(on, ",")
}

// Any reports whether d deviates at all.
func (d Deviations) Any() bool { return d != Deviations{} }
