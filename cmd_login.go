package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/internal/printable"
)

func loginCommand() *command {
	return &command{
		name:    "login",
		args:    "[--username U] [--type 16|32|64] [--url URL] [--profile NAME]",
		summary: "log in to the agent and save the session token for later runs",
		example: "clickscript login --username admin@example.com\n" +
			"clickscript login --profile work        # the profile's URL, username and token file\n" +
			"printf 'admin\\n' | clickscript login --url http://127.0.0.1:29123 --username admin@example.com",
		setup: func(fs *pflag.FlagSet) func(context.Context, []string, streams) error {
			var o loginOptions
			fs.StringVar(&o.username, "username", "", "who logs in (env CLICK_USERNAME; else the profile's; else asked)")
			fs.IntVar(&o.typ, "type", int(clickapi.DesktopAdmin), "login type: 16 DesktopAdmin, 32 DesktopCreativeUser, 64 DesktopStandardUser")
			fs.StringVar(&o.url, "url", "", "agent base URL (env CLICK_URL; else the profile's; default "+clickapi.DefaultBaseURL+")")
			fs.StringVar(&o.profile, "profile", "", "use this profile of the config file (env CLICK_PROFILE; default: the file's default)")
			return func(ctx context.Context, args []string, s streams) error {
				if len(args) > 0 {
					return usagef("unexpected argument %q", args[0])
				}
				if _, err := loginType(o.typ); err != nil {
					return usagef("--type %v", err)
				}
				o.typeSet = fs.Changed("type")
				return login(ctx, o, s)
			}
		},
	}
}

func logoutCommand() *command {
	return &command{
		name:    "logout",
		args:    "[--profile NAME] [--url URL]",
		summary: "end the saved session on the agent and forget its token",
		example: "clickscript logout\nclickscript logout --profile work",
		setup: func(fs *pflag.FlagSet) func(context.Context, []string, streams) error {
			profileName := fs.String("profile", "", "forget this profile's token (env CLICK_PROFILE; default: the file's default)")
			url := fs.String("url", "", "agent base URL (env CLICK_URL; else the profile's; default "+clickapi.DefaultBaseURL+")")
			return func(ctx context.Context, args []string, s streams) error {
				if len(args) > 0 {
					return usagef("unexpected argument %q", args[0])
				}
				p, _, _, err := selectProfile(*profileName)
				if err != nil {
					return err
				}
				return logout(ctx, p, cmp.Or(*url, os.Getenv("CLICK_URL"), p.URL), s)
			}
		},
	}
}

type loginOptions struct {
	username, url, profile string
	typ                    int
	typeSet                bool // --type was given
}

// login asks for what it lacks, logs in (answering a second-factor
// challenge), and saves the token with mode 0600.
func login(ctx context.Context, o loginOptions, s streams) error {
	p, _, _, err := selectProfile(o.profile)
	if err != nil {
		return err
	}
	path, err := p.tokenFile()
	if err != nil {
		return err
	}
	base := cmp.Or(o.url, os.Getenv("CLICK_URL"), p.URL)
	client, err := clickapi.New(clickapi.Options{BaseURL: base, Secrets: s.secrets})
	if err != nil {
		return err
	}
	req := clickapi.LoginRequest{Type: clickapi.LoginType(o.typ)}
	if !o.typeSet && p.LoginType != 0 {
		req.Type = clickapi.LoginType(p.LoginType)
	}
	in := newPrompter(s.stdin, s.stderr)
	req.Username = cmp.Or(o.username, os.Getenv("CLICK_USERNAME"), p.Username)
	if req.Username == "" {
		if req.Username, err = in.ask(ctx, "Username: ", false); err != nil {
			return err
		}
		if req.Username = strings.TrimSpace(req.Username); req.Username == "" {
			return errors.New("no username given")
		}
	}
	if req.Password, err = in.ask(ctx, fmt.Sprintf("Password for %s: ", req.Username), true); err != nil {
		return err
	}
	resp, err := client.Login(ctx, req)
	if errors.Is(err, clickapi.ErrLoginRefused) {
		// Bad credentials or a type the user does not have: say so, not
		// "token rejected" [click:errors.md].
		return fmt.Errorf("%w (as %s with --type %d, %s)", clickapi.ErrLoginRefused, req.Username, req.Type, loginTypeName(req.Type))
	}
	if err != nil {
		return err
	}
	token := resp.JWTToken
	if resp.Challenge != clickapi.ChallengeNone {
		if token, err = answerChallenge(ctx, client, in, resp); err != nil {
			return err
		}
	}
	if token == "" {
		return fmt.Errorf("POST %s: %w: no token in the answer", clickapi.RouteLogin, clickapi.ErrBadResponse)
	}
	// Confirm the token with GET /authentication/user before saving it.
	client.SetToken(token)
	who, err := client.WhoAmI(ctx)
	if errors.Is(err, clickapi.ErrUnauthorized) {
		return fmt.Errorf("the agent refused the token it just gave (%w): nothing saved", err)
	}
	if err := writeFileAtomic(path, []byte(token+"\n")); err != nil {
		return fmt.Errorf("save the token: %w", err)
	}
	if err != nil {
		fmt.Fprintf(s.stderr, "Warning: could not confirm who the token belongs to: %v\n", err)
		fmt.Fprintf(s.stderr, "Logged in as %s at %s; token saved to %s\n", req.Username, client.BaseURL(), path)
	} else {
		fmt.Fprintf(s.stderr, "Logged in as %s (%s) of %s at %s; token saved to %s\n",
			printable.Escape(who.Username), who.UserType, printable.Escape(cmp.Or(who.AccountName, "an unnamed account")), client.BaseURL(), path)
	}
	if os.Getenv("CLICK_TOKEN") != "" {
		fmt.Fprintln(s.stderr, "Note: CLICK_TOKEN is set, and runs use it before the saved token: unset it to use this login.")
	}
	return nil
}

// maxCodeTries is how many second-factor codes login asks for before it
// gives up.
const maxCodeTries = 3

// answerChallenge asks for the code of a TOTP or SMS challenge and answers
// it through mfa_respond (both kinds, INFERRED I15), asking again after a
// wrong code (499 TOTP), up to maxCodeTries times.
func answerChallenge(ctx context.Context, client *clickapi.Client, in *prompter, resp *clickapi.LoginResponse) (string, error) {
	prompt := fmt.Sprintf("%s code (%s): ", resp.Challenge, clickapi.TOTPPrompt)
	if resp.Challenge == clickapi.ChallengeSMS {
		prompt = fmt.Sprintf("%s code (%s): ", resp.Challenge, clickapi.SMSPrompt)
	}
	for try := 1; ; try++ {
		code, err := in.ask(ctx, prompt, false)
		if err != nil {
			return "", err
		}
		ans, err := client.MFARespond(ctx, clickapi.MFARequest{UserCode: strings.TrimSpace(code), Session: resp.Session})
		if errors.Is(err, clickapi.ErrWrongCode) {
			if left := maxCodeTries - try; left > 0 {
				fmt.Fprintf(in.out, "wrong code, try again (%d %s left)\n", left, plural(left, "try", "tries"))
				continue
			}
			return "", fmt.Errorf("%w %d times: log in again (%v)", clickapi.ErrWrongCode, maxCodeTries, err)
		}
		if err != nil {
			return "", err
		}
		return ans.JWTToken, nil
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// loginTypeName names a login type: "DesktopAdmin".
func loginTypeName(t clickapi.LoginType) string { return clickapi.UserType(t).String() }

// logout ends the saved token's session on the agent at base (POST
// /authentication/logout), then removes the token file whatever the
// agent answered: a 401 means the session had ended already, and an
// unreachable agent cannot be helped. A missing token file is no error.
func logout(ctx context.Context, p profile, base string, s streams) error {
	path, err := p.tokenFile()
	if err != nil {
		return err
	}
	token, err := readTokenFile(path)
	if err != nil {
		// Unreadable or too open: it is forgotten all the same.
		fmt.Fprintf(s.stderr, "Warning: %v\n", err)
	}
	if token == "" {
		if _, statErr := os.Stat(path); errors.Is(statErr, os.ErrNotExist) {
			fmt.Fprintf(s.stderr, "No saved token at %s: nothing to forget.\n", path)
			return nil
		}
	} else {
		client, err := clickapi.New(clickapi.Options{BaseURL: base, Retry: clickapi.RetryPolicy{MaxAttempts: 1}, Secrets: s.secrets})
		if err != nil {
			return err
		}
		switch err := client.Logout(ctx, token); {
		case err == nil:
			fmt.Fprintf(s.stderr, "Ended the session on the agent at %s.\n", client.BaseURL())
		case errors.Is(err, clickapi.ErrUnauthorized):
			fmt.Fprintf(s.stderr, "The agent at %s had already ended the session.\n", client.BaseURL())
		case ctx.Err() != nil:
			return err
		default:
			fmt.Fprintf(s.stderr, "Warning: the agent did not end the session (%v); forgetting the token anyway.\n", err)
		}
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	fmt.Fprintf(s.stderr, "Removed the saved token %s.\n", path)
	return nil
}

// prompter asks questions on out and reads the answers from in: from the
// terminal without echo for secrets when in is one, else one line each
// (which is how tests and pipes drive it).
type prompter struct {
	r   *bufio.Reader
	out io.Writer
	fd  int
	tty bool
}

func newPrompter(in io.Reader, out io.Writer) *prompter {
	p := &prompter{r: bufio.NewReader(in), out: out}
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.fd, p.tty = int(f.Fd()), true
	}
	return p
}

// ask prints prompt and returns the answer without its line ending. A
// secret typed at a terminal is not echoed. Cancelling ctx (Ctrl-C) ends
// the question and restores the terminal.
func (p *prompter) ask(ctx context.Context, prompt string, secret bool) (string, error) {
	fmt.Fprint(p.out, prompt)
	type answer struct {
		s   string
		err error
	}
	done := make(chan answer, 1)
	var restore func()
	if secret && p.tty {
		if state, err := term.GetState(p.fd); err == nil {
			restore = func() { _ = term.Restore(p.fd, state) }
		}
		go func() {
			b, err := term.ReadPassword(p.fd)
			fmt.Fprintln(p.out)
			done <- answer{string(b), err}
		}()
	} else {
		go func() {
			line, err := p.r.ReadString('\n')
			if err == io.EOF && line != "" {
				err = nil
			}
			done <- answer{strings.TrimRight(line, "\r\n"), err}
		}()
	}
	select {
	case a := <-done:
		if errors.Is(a.err, io.EOF) {
			fmt.Fprintln(p.out)
			return "", fmt.Errorf("no answer to %q: the input ended", strings.TrimSuffix(prompt, ": "))
		}
		return a.s, a.err
	case <-ctx.Done():
		if restore != nil {
			restore()
		}
		fmt.Fprintln(p.out)
		return "", ctx.Err()
	}
}
