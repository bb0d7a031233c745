package repl

import "testing"

// Records come from shaped tables (bindings, internal/ltable); the REPL
// shows them as any other table, every field with its type's form.
func TestREPLShowsRecords(t *testing.T) {
	out, errs, err := runREPL(t, Options{Rows: 20, Width: 1000},
		"usergroup.find('Design Team')\nusergroup.members(usergroup.find('Design Team')):first().userUserGroup\nuser.list{username = 'ada.jansen'}:first().status\n")
	if err != nil || errs != "" {
		t.Fatalf("err = %v, errors %q", err, errs)
	}
	want := `{
  accountId = "acc00000-0000-4000-8000-000000000001",
  active = true,
  deleted = false,
  description = "Users working on the creative project",
  id = "00000000-0000-4000-8000-000000000001",
  name = "Design Team",
}
{
  id = "00000000-0000-4000-8000-00000000040d",
  userGroupId = "00000000-0000-4000-8000-000000000001",
  userId = "00000000-0000-4000-8000-00000000013f",
}
1
`
	if out != want {
		t.Errorf("REPL output:\n%s\nwant:\n%s", out, want)
	}
}
