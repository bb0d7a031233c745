package main

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/spf13/pflag"
)

func versionCommand() *command {
	return &command{
		name:    "version",
		summary: "print the version and the VCS revision it was built from",
		example: "clickscript version",
		setup: func(fs *pflag.FlagSet) func(context.Context, []string, streams) error {
			return func(ctx context.Context, args []string, s streams) error {
				if len(args) > 0 {
					return usagef("takes no arguments")
				}
				_, err := fmt.Fprintln(s.stdout, versionString())
				return err
			}
		},
	}
}

// versionString reads the module version and VCS revision from the build info.
func versionString() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "clickscript (unknown version)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, modified, goVersion = "", "", bi.GoVersion
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+dirty"
			}
		}
	}
	if rev == "" {
		rev = "unknown revision"
	}
	return fmt.Sprintf("clickscript %s (%s%s, %s)", v, rev, modified, goVersion)
}
