-- export_memberships.lua: every group membership of the account, to a CSV file.
--
-- Usage: clickscript run export_memberships.lua -- OUT.csv
--   OUT.csv  written with columns group, username, firstname, lastname, email, assignmentId
--
-- Walks every page of every group's members; the file is written at the end,
-- atomically, so a failed run leaves no half-written export.

local out = arg[1]
if not out then error("usage: export_memberships.lua -- OUT.csv", 0) end

local rows = {}
for g in usergroup.list{} do
  for m in usergroup.members(g) do
    rows[#rows + 1] = {
      group = g.name,
      username = m.user.username,
      firstname = m.user.firstname,
      lastname = m.user.lastname,
      email = m.user.email,
      assignmentId = m.userUserGroup.id,
    }
  end
end
csv.write(out, rows, {columns = {"group", "username", "firstname", "lastname", "email", "assignmentId"}})
print(string.format("wrote %d memberships to %s", #rows, out))
