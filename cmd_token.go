package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/internal/atomicfile"
	"github.com/clickscript/clickscript/internal/printable"
)

// tokenFlags are the flags of token create.
type tokenFlags struct {
	title   string
	expires string
	out     string
}

func tokenCommand() *command {
	return &command{
		name: "token",
		args: "create --title T [--expires DATE] [--out FILE] | list | revoke TITLE|ID|TOKEN [flags]",
		summary: "mint, list and revoke the signed-in user's API tokens (for unattended runs);\n" +
			"create prints the new token once, as its last line",
		example: "clickscript token create --title watch-design-team --expires 2027-01-01 --out /etc/clickscript/design-team.token\n" +
			"clickscript token list\n" +
			"clickscript token revoke watch-design-team",
		setup: func(fs *pflag.FlagSet) func(context.Context, []string, streams) error {
			var cf connFlags
			cf.register(fs)
			var tf tokenFlags
			fs.StringVar(&tf.title, "title", "", "create: the new token's title (required)")
			fs.StringVar(&tf.expires, "expires", "", "create: when the token expires: a date (2027-01-01, UTC midnight) or RFC 3339 time (default: never)")
			fs.StringVar(&tf.out, "out", "", "create: write the token to this file (mode 0600, written atomically) instead of printing it")
			return func(ctx context.Context, args []string, s streams) error {
				if len(args) == 0 {
					return usagef("want a subcommand: create, list or revoke")
				}
				sub, rest := args[0], args[1:]
				if err := tf.check(sub, rest, fs); err != nil {
					return err
				}
				if err := cf.validate(); err != nil {
					return usagef("%v", err)
				}
				if cf.record != "" || cf.replay != "" {
					// The answers of get_all and insert hold token values.
					return usagef("--record and --replay: a cassette would hold token values; token takes neither")
				}
				var expires string
				if tf.expires != "" {
					var err error
					if expires, err = parseExpiry(tf.expires); err != nil {
						return usagef("--expires: %v", err)
					}
				}
				sess, err := cf.open(ctx, s)
				if err != nil {
					return err
				}
				runCtx, cancel := withTimeout(ctx, cf)
				defer cancel()
				switch sub {
				case "create":
					err = tokenCreate(runCtx, sess.client, clickapi.NewAPIToken{Title: tf.title, ExpirationDate: expires}, tf.out, cf.dryRun, s.stdout)
				case "list":
					err = tokenList(runCtx, sess.client, s.stdout)
				case "revoke":
					err = tokenRevoke(runCtx, sess.client, rest[0], cf.dryRun, s.stdout)
				}
				return joinErrors(err, sess.close())
			}
		},
	}
}

// check validates the subcommand, its arguments and which token flags it
// was given.
func (tf *tokenFlags) check(sub string, rest []string, fs *pflag.FlagSet) error {
	createOnly := func() error {
		for _, name := range []string{"title", "expires", "out"} {
			if fs.Changed(name) {
				return usagef("--%s belongs to token create", name)
			}
		}
		return nil
	}
	switch sub {
	case "create":
		if len(rest) > 0 {
			return usagef("token create: unexpected argument %q (the title goes in --title)", rest[0])
		}
		if strings.TrimSpace(tf.title) == "" {
			return usagef("token create: --title is required")
		}
	case "list":
		if len(rest) > 0 {
			return usagef("token list: unexpected argument %q", rest[0])
		}
		return createOnly()
	case "revoke":
		if len(rest) != 1 || strings.TrimSpace(rest[0]) == "" {
			return usagef("token revoke: want exactly one token title, id or value")
		}
		return createOnly()
	default:
		return usagef("unknown token subcommand %q: want create, list or revoke", sub)
	}
	return nil
}

// parseExpiry reads --expires: a date (midnight UTC) or an RFC 3339 time,
// and returns it as the API writes dates.
func parseExpiry(s string) (string, error) {
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return clickapi.FormatDate(d), nil
	}
	t, err := clickapi.ParseDate(s)
	if err != nil {
		return "", fmt.Errorf("%q: want a date such as 2027-01-01 or an RFC 3339 time such as 2027-01-01T00:00:00Z", s)
	}
	return clickapi.FormatDate(t), nil
}

// describeToken is one token as create and revoke name it: id, title and
// expiry, never its value.
func describeToken(t clickapi.APIToken) string {
	exp := "never expires"
	if t.ExpirationDate != "" {
		exp = "expires " + t.ExpirationDate
	}
	return fmt.Sprintf("%s %q (%s)", t.ID, t.Title, exp)
}

// tokenCreate mints a token and shows its value once: as the last line of
// w, or written to the file out (mode 0600, atomically). When the file
// cannot be written the new token is deleted again, so that no token
// exists that nobody has seen.
func tokenCreate(ctx context.Context, c *clickapi.Client, nt clickapi.NewAPIToken, out string, dryRun bool, w io.Writer) error {
	if dryRun {
		fmt.Fprintf(w, "dry run, nothing sent: would create an API token titled %q\n", nt.Title)
		return nil
	}
	tok, err := c.InsertAPIToken(ctx, nt)
	if err != nil {
		return fmt.Errorf("token create: %w", err)
	}
	fmt.Fprintf(w, "created API token %s\n", describeToken(*tok))
	if out != "" {
		if err := atomicfile.WriteFile(out, []byte(tok.Token.Reveal()+"\n"), 0o600); err != nil {
			err = fmt.Errorf("token create: write %s: %w", out, err)
			if derr := c.DeleteAPIToken(ctx, tok.ID); derr != nil {
				return joinErrors(err, fmt.Errorf("token create: delete the unsaved token %s: %w", tok.ID, derr))
			}
			return fmt.Errorf("%w (the token %s was deleted again)", err, tok.ID)
		}
		fmt.Fprintf(w, "wrote the token to %s (mode 0600); it is not shown again\n", out)
		return nil
	}
	fmt.Fprintf(w, "the token, shown only this once:\n")
	// On purpose, past the redaction of secrets: this is the one place
	// the new token is shown.
	fmt.Fprintf(reveal(w), "%s\n", tok.Token.Reveal())
	return nil
}

// tokenList prints the tokens as an aligned table: id, title, created,
// expires. It never prints a token's value.
func tokenList(ctx context.Context, c *clickapi.Client, w io.Writer) error {
	toks, err := c.APITokens(ctx)
	if err != nil {
		return fmt.Errorf("token list: %w", err)
	}
	if len(toks) == 0 {
		fmt.Fprintln(w, "no API tokens")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTITLE\tCREATED\tEXPIRES")
	for _, t := range toks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", printable.Escape(t.ID), printable.Escape(t.Title),
			printable.Escape(cmp.Or(t.CreateDate, "-")), printable.Escape(cmp.Or(t.ExpirationDate, "never")))
	}
	return tw.Flush()
}

// findToken picks the token that key names: its id, else its value, else
// its title, which must then be unique.
func findToken(toks []clickapi.APIToken, key string) (clickapi.APIToken, error) {
	for _, t := range toks {
		if t.ID == key {
			return t, nil
		}
	}
	for _, t := range toks {
		if t.Token.Reveal() != "" && t.Token.Reveal() == key {
			return t, nil
		}
	}
	var titled []clickapi.APIToken
	for _, t := range toks {
		if t.Title == key {
			titled = append(titled, t)
		}
	}
	switch len(titled) {
	case 1:
		return titled[0], nil
	case 0:
		// key may be a token value: never repeat it.
		return clickapi.APIToken{}, errors.New("token revoke: no API token has that title, id or value (see clickscript token list)")
	}
	ids := make([]string, len(titled))
	for i, t := range titled {
		ids[i] = t.ID
	}
	return clickapi.APIToken{}, fmt.Errorf("token revoke: %d API tokens are titled %q: revoke one by id (%s)", len(titled), key, strings.Join(ids, ", "))
}

// tokenRevoke deletes the token key names (see findToken).
func tokenRevoke(ctx context.Context, c *clickapi.Client, key string, dryRun bool, w io.Writer) error {
	toks, err := c.APITokens(ctx)
	if err != nil {
		return fmt.Errorf("token revoke: %w", err)
	}
	t, err := findToken(toks, key)
	if err != nil {
		return err
	}
	if dryRun {
		fmt.Fprintf(w, "dry run, nothing sent: would revoke API token %s\n", describeToken(t))
		return nil
	}
	if err := c.DeleteAPIToken(ctx, t.ID); err != nil {
		return fmt.Errorf("token revoke %s: %w", t.ID, err)
	}
	fmt.Fprintf(w, "revoked API token %s\n", describeToken(t))
	return nil
}
