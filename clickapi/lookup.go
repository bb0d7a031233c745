package clickapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
)

// ErrAmbiguous is matched (errors.Is) by a look-up by name that found
// several live records with that name.
var ErrAmbiguous = errors.New("ambiguous name")

// LookupError is the failure of a look-up by exact name (FindProject,
// FindSharedCloudDrive, FindUser): no live record has the name, or
// several do. errors.Is(err, ErrNotFound) holds for the first,
// errors.Is(err, ErrAmbiguous) for the second.
type LookupError struct {
	Kind string   // "project", "shared cloud drive", "user"
	Name string   // the name looked for
	IDs  []string // the ids of the matches: none, or several
}

// Error reads like `project "Launch": not found` or `project "Launch" is
// ambiguous: 2 live projects have that name (ids a, b)`.
func (e *LookupError) Error() string {
	if len(e.IDs) == 0 {
		return fmt.Sprintf("%s %q: not found", e.Kind, e.Name)
	}
	return fmt.Sprintf("%s %q is ambiguous: %d live records have that name (ids %s)",
		e.Kind, e.Name, len(e.IDs), strings.Join(e.IDs, ", "))
}

// Is makes errors.Is(err, ErrNotFound) and errors.Is(err, ErrAmbiguous) work.
func (e *LookupError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return len(e.IDs) == 0
	case ErrAmbiguous:
		return len(e.IDs) > 1
	}
	return false
}

// findByName walks every page of a listing filtered by name (a
// case-insensitive substring match on the agent) and keeps the live
// records whose name equals name in any case (contract section 10).
// Exactly one match is returned; none or several are a *LookupError.
func findByName[T any](ctx context.Context, kind, name string, p *Pager[T], nameOf func(T) string, idOf func(T) string, deleted func(T) bool) (*T, error) {
	defer p.Close()
	if strings.TrimSpace(name) == "" {
		return nil, fmt.Errorf("find %s: the name is empty", kind)
	}
	var found []T
	for {
		it, ok := p.Next()
		if !ok {
			break
		}
		if strings.EqualFold(nameOf(it), name) && !deleted(it) {
			found = append(found, it)
		}
	}
	if err := p.Err(); err != nil {
		return nil, fmt.Errorf("find %s %q: %w", kind, name, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(found) == 1 {
		return &found[0], nil
	}
	e := &LookupError{Kind: kind, Name: name}
	for _, it := range found {
		e.IDs = append(e.IDs, idOf(it))
	}
	return nil, e
}

// insertAttempts bounds how often an insert whose outcome stayed unknown is sent.
const insertAttempts = 3

// insertChecked sends a non-idempotent insert so that a retry never
// creates the record twice (DESIGN: an insert is resent only after a
// look-up shows it did not land). The client itself resends an insert
// only when it provably never left; when an attempt may have landed (the
// connection broke after sending, a 5xx or 429, a garbled 2xx body),
// lookup says whether the record is there: if it is, it is returned; if
// not, the insert is sent again. A DUPLICATE answer to such a resend
// means the earlier attempt landed, and is looked up the same way. A
// look-up that fails leaves the outcome unknown and returns both errors.
func insertChecked[T any](ctx context.Context, c *Client, what string, send func() (*T, error), lookup func() (*T, error)) (*T, error) {
	created, err := send()
	unknown := false
	for attempt := 1; err != nil && ctx.Err() == nil; attempt++ {
		if !outcomeUnknown(err) && !(unknown && errors.Is(err, ErrDuplicate)) {
			return nil, err
		}
		unknown = true
		found, ferr := lookup()
		if ferr != nil {
			return nil, fmt.Errorf("%w (whether the %s was created is unknown: the look-up failed: %w)", err, what, ferr)
		}
		if found != nil {
			c.log.LogAttrs(ctx, slog.LevelWarn, "insert answered with an error, but the record is there: it landed",
				slog.String("record", what), slog.String("error", err.Error()))
			return found, nil
		}
		if attempt == insertAttempts {
			return nil, err
		}
		created, err = send()
	}
	if err != nil {
		return nil, err
	}
	return created, nil
}

// outcomeUnknown reports whether a failed write may still have been
// applied: a transport failure after sending, a 429 or 5xx answer, or a
// 2xx answer whose body could not be read.
func outcomeUnknown(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Status == http.StatusTooManyRequests || apiErr.Status >= 500
	}
	return !errors.Is(err, context.Canceled)
}
