package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/internal/printable"
)

func whoamiCommand() *command {
	return &command{
		name:    "whoami",
		args:    "[--url URL] [--token T] [--profile NAME] [--emulator]",
		summary: "say who the token belongs to and whether the agent is ready",
		example: "clickscript whoami\nclickscript whoami --profile work\nCLICK_TOKEN=... clickscript whoami --url http://127.0.0.1:29123",
		setup: func(fs *pflag.FlagSet) func(context.Context, []string, streams) error {
			cf := connFlags{logLevel: "warn", logFormat: "text", concurrency: 1}
			fs.StringVar(&cf.url, "url", "", "agent base URL (env CLICK_URL; else the profile's; default "+clickapi.DefaultBaseURL+")")
			fs.StringVar(&cf.token, "token", "", "session or API token (env CLICK_TOKEN; default: the token saved by login)")
			fs.StringVar(&cf.profile, "profile", "", "use this profile of the config file (env CLICK_PROFILE; default: the file's default)")
			fs.BoolVar(&cf.emulator, "emulator", false, "start an in-process emulator with demo data and ask it")
			return func(ctx context.Context, args []string, s streams) error {
				if len(args) > 0 {
					return usagef("unexpected argument %q", args[0])
				}
				if err := cf.validate(); err != nil {
					return usagef("%v", err)
				}
				sess, err := cf.open(ctx, s)
				if err != nil {
					return err
				}
				si, err := sess.client.Session(ctx)
				if err != nil {
					return joinErrors(err, sess.close())
				}
				printWhoAmI(s.stdout, si)
				if !si.OK() {
					err = errors.New(si.Banner())
				}
				return joinErrors(err, sess.close())
			}
		},
	}
}

// printWhoAmI writes what GET /authentication/user and agent_status said,
// one "item: value" line each, names before numbers. The token is never
// shown (UserInfo.JWTToken is a clickapi.Secret).
func printWhoAmI(w io.Writer, si clickapi.SessionInfo) {
	tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', 0)
	defer tw.Flush()
	if u := si.User; u != nil {
		name := cmp.Or(joinName(u.FirstName, u.LastName), "(no name)")
		fmt.Fprintf(tw, "user:\t%s <%s>\n", printable.Escape(name), printable.Escape(u.Username))
		fmt.Fprintf(tw, "user id:\t%s\n", printable.Escape(u.UserID))
		owner := ""
		if u.Owner {
			owner = ", owner"
		}
		fmt.Fprintf(tw, "account:\t%s (%s%s)\n", printable.Escape(cmp.Or(u.AccountName, "(no name)")), printable.Escape(u.AccountID), owner)
		fmt.Fprintf(tw, "user type:\t%s (%d)\n", u.UserType, int(u.UserType))
		fmt.Fprintf(tw, "subscription:\t%s\n", clickapi.SubscriptionName(u.SubscriptionType))
		fmt.Fprintf(tw, "sign-in:\t%s, MFA %s\n", clickapi.AuthProviderName(u.AuthProvider), onOff(u.MFA))
	} else {
		fmt.Fprintf(tw, "user:\tunknown: %s\n", printable.Message(si.UserErr.Error()))
	}
	switch {
	case si.AgentErr != nil:
		fmt.Fprintf(tw, "agent:\tunknown: %s\n", printable.Message(si.AgentErr.Error()))
	case si.Agent == clickapi.AgentStarted:
		fmt.Fprintf(tw, "agent:\t%s (%d) at %s\n", si.Agent, int(si.Agent), clickapi.Redact(si.BaseURL))
	default:
		fmt.Fprintf(tw, "agent:\t%s (%d) at %s: not ready; start the agent and sign in\n", si.Agent, int(si.Agent), clickapi.Redact(si.BaseURL))
	}
}

func joinName(first, last string) string {
	switch {
	case first == "":
		return last
	case last == "":
		return first
	}
	return first + " " + last
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
