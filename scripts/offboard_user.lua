-- offboard_user.lua: remove one user from every group they belong to, and revoke
-- every project and drive permission granted to the user directly.
--
-- Usage: clickscript run [--dry-run] offboard_user.lua -- USERNAME
--   USERNAME  the user's exact username (any case), e.g. ada.lovelace@example.com
--
-- Run it with --dry-run first: it then lists what it would remove and sends nothing.
-- Shows user.list to resolve a username to an id, usergroup.groups_of to
-- list a user's groups, and usergroup.unassign, which takes the assignment
-- id (row.userUserGroup.id), not the user id. The direct grants go through
-- permission.sync with an empty list (force: all of them is the point); grants
-- through groups end with the memberships.

local username = arg[1]
if not username or username == "" then
  error("usage: offboard_user.lua -- USERNAME", 0)
end

local found
for u in user.list{username = username} do
  if u.username:lower() == username:lower() then found = u break end
end
if not found then
  error("no user named " .. username, 0)
end

-- Collect first, then remove: removing while paging would shift the pages.
local rows = usergroup.groups_of(found.id):all()
local dry = clickscript.dry_run -- nothing is sent: say what would happen
for _, row in ipairs(rows) do
  usergroup.unassign(row.userUserGroup.id)
  print((dry and "would remove " or "removed ") .. found.username .. " from " .. row.userGroup.name)
end
if dry then
  print(string.format("%s would be in no group (%d to remove)", found.username, #rows))
else
  print(string.format("%s is in no group now (%d removed)", found.username, #rows))
end

-- The user's direct grants on projects and drives: make them none.
local r = permission.sync({user = found}, {}, {force = true})
for _, g in ipairs(r.revokes) do
  print(string.format("%s %s's %s on %s %s", dry and "would revoke" or "revoked",
    found.username, g.level, g.object, g.name))
end
if dry then
  print(string.format("%s would have no direct grant (%d to revoke)", found.username, #r.revokes))
else
  print(string.format("%s has no direct grant now (%d revoked)", found.username, #r.revokes))
end
