package bindings

import (
	"bytes"
	"fmt"

	"github.com/clickscript/clickscript/clickapi"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxUserFieldLen is the vendor's limit on a user's username, email,
// firstname and lastname, in characters (contract section 4).
const MaxUserFieldLen = 50

// checkUsername says what is wrong with an import username, or "" when it
// is a bare email address within the vendor's limit: no display name,
// comma, quote, space, control character, NUL or newline.
func checkUsername(s string) string {
	if n := utf8.RuneCountInString(s); n > MaxUserFieldLen {
		return fmt.Sprintf("%d characters, over the limit of %d", n, MaxUserFieldLen)
	}
	for _, r := range s {
		switch {
		case r == 0:
			return "contains a NUL byte"
		case r == '\n' || r == '\r':
			return "contains a line break"
		case unicode.IsControl(r):
			return fmt.Sprintf("contains the control character %U", r)
		case r == ',':
			return "contains a comma (one email address per row)"
		case r == '"' || r == '\'' || r == '`':
			return "contains a quote"
		case unicode.IsSpace(r):
			return "contains a space"
		case r == '<' || r == '>':
			return "has a display name or angle brackets: give the bare address"
		}
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return fmt.Sprintf("%q is not an email address", s)
	}
	return ""
}

// mixedScript reports whether s mixes Latin letters with Cyrillic or Greek
// ones (a Cyrillic "а" among Latin letters looks the same and is not).
func mixedScript(s string) bool {
	var latin, other bool
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Latin, r):
			latin = true
		case unicode.Is(unicode.Cyrillic, r), unicode.Is(unicode.Greek, r):
			other = true
		}
	}
	return latin && other
}

// utf16Encoded reports whether the start of a file is UTF-16: a byte-order
// mark (FF FE or FE FF) or a NUL among its first two bytes.
func utf16Encoded(head []byte) bool {
	return bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) ||
		len(head) >= 2 && (head[0] == 0 || head[1] == 0)
}

// uuidProblem says what is wrong with a group id that is almost a uuid:
// braces or upper case; "" otherwise.
func uuidProblem(s string) string {
	inner := strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	if inner != s || strings.ToLower(inner) != inner {
		if checkUUID(strings.ToLower(inner)) == nil {
			return fmt.Sprintf("%q: use lower-case 8-4-4-4-12 hex without braces", s)
		}
	}
	return ""
}

// checkUTF8 names the first field of rec that is not UTF-8, or "".
func checkUTF8(rec []string) string {
	for i, f := range rec {
		if !utf8.ValidString(f) {
			return fmt.Sprintf("field %d is not UTF-8 (a Latin-1 or Windows file?): save the file as UTF-8", i+1)
		}
	}
	return ""
}

// checkUser is the one check of a user that bulk input or user.insert
// names (import_csv, usergroup.import, usergroup.sync, user.insert): the
// username a bare email address (checkUsername), email, firstName and
// lastName within the vendor's limit. It returns the field at fault and
// what is wrong with it, or "", "". Callers put where the user is in
// front ("m.csv:4", "item 3: user.", "desired[2].").
func checkUser(u clickapi.ImportUser) (field, msg string) {
	if u.Username == "" {
		return "username", "empty"
	}
	if msg := checkUsername(u.Username); msg != "" {
		return "username", msg
	}
	for _, f := range []struct{ name, v string }{{"email", u.Email}, {"firstName", u.FirstName}, {"lastName", u.LastName}} {
		if n := utf8.RuneCountInString(f.v); n > MaxUserFieldLen {
			return f.name, fmt.Sprintf("%d characters, over the limit of %d", n, MaxUserFieldLen)
		}
	}
	return "", ""
}

// lookAlike is the plan's warning about a username at where that mixes
// Latin with Cyrillic or Greek letters, or "" when it does not.
func lookAlike(where, username string) string {
	if !mixedScript(username) {
		return ""
	}
	return fmt.Sprintf("%s: username %q mixes Latin with Cyrillic or Greek letters: check it is not a look-alike", where, username)
}
