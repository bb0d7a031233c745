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
)

// maxCodeTries is how many second-factor codes login asks for before it
// gives up.
const maxCodeTries = 3

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
		args:    "[--profile NAME]",
		summary: "forget the token that login saved",
		example: "clickscript logout\nclickscript logout --profile work",
		setup: func(fs *pflag.FlagSet) func(context.Context, []string, streams) error {
			profileName := fs.String("profile", "", "forget this profile's token (env CLICK_PROFILE; default: the file's default)")
			return func(ctx context.Context, args []string, s streams) error {
				if len(args) > 0 {
					return usagef("unexpected argument %q", args[0])
				}
				p, _, _, err := selectProfile(*profileName)
				if err != nil {
					return err
				}
				return logout(p, s)
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
	client, err := clickapi.New(clickapi.Options{BaseURL: base})
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
	if err := writeFileAtomic(path, []byte(token+"\n")); err != nil {
		return fmt.Errorf("save the token: %w", err)
	}
	fmt.Fprintf(s.stderr, "Logged in as %s at %s; token saved to %s\n", req.Username, client.BaseURL(), path)
	if os.Getenv("CLICK_TOKEN") != "" {
		fmt.Fprintln(s.stderr, "Note: CLICK_TOKEN is set, and runs use it before the saved token: unset it to use this login.")
	}
	return nil
}

// answerChallenge asks for the code of a TOTP or SMS challenge and answers
// it, asking again after a wrong code, up to maxCodeTries times.
func answerChallenge(ctx context.Context, client *clickapi.Client, in *prompter, resp *clickapi.LoginResponse) (string, error) {
	prompt := resp.Challenge.String() + " code: "
	for try := 1; ; try++ {
		code, err := in.ask(ctx, prompt, false)
		if err != nil {
			return "", err
		}
		ans, err := client.MFARespond(ctx, clickapi.MFARequest{Session: resp.Session, Code: strings.TrimSpace(code)})
		var apiErr *clickapi.APIError
		if err != nil && errors.As(err, &apiErr) && (apiErr.Type == "TOTP" || apiErr.Type == clickapi.CodeAuth) && try < maxCodeTries {
			fmt.Fprintf(in.out, "Wrong code (%s); try again.\n", strings.Join(apiErr.Messages, "; "))
			continue
		}
		if err != nil {
			return "", err
		}
		return ans.JWTToken, nil
	}
}

// logout removes the saved token, saying so; a missing one is no error.
// The agent has no call that ends a session: the token stays valid there
// until it expires.
func logout(p profile, s streams) error {
	path, err := p.tokenFile()
	if err != nil {
		return err
	}
	err = os.Remove(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		fmt.Fprintf(s.stderr, "No saved token at %s: nothing to forget.\n", path)
		return nil
	case err != nil:
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
