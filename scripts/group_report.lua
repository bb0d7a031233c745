-- group_report.lua: every user group with its member count, as an aligned table.
--
-- Usage: clickscript run group_report.lua [-- NAME_FILTER]
--   NAME_FILTER  optional case-insensitive substring of the group names to show
--
-- Shows how a listing walks every page lazily (`for g in usergroup.list{...}`)
-- and how :count() reads a list's total with one small request.

local filter = arg[1]

local rows = {}
local width = #"GROUP"
for g in usergroup.list{name = filter, sortfield = "Name"} do
  local members = usergroup.members(g.id):count()
  rows[#rows + 1] = {name = g.name, active = g.active, members = members}
  if #g.name > width then width = #g.name end
end

local line = "%-" .. width .. "s  %-8s  %7s"
print(string.format(line, "GROUP", "ACTIVE", "MEMBERS"))
local total = 0
for _, r in ipairs(rows) do
  print(string.format(line, r.name, r.active and "yes" or "no", r.members))
  total = total + r.members
end
print(string.format("%d groups, %d memberships", #rows, total))
