-- sync_group_from_csv.lua: make a group's members exactly the users in a CSV.
--
-- Usage: clickscript run [--dry-run] sync_group_from_csv.lua -- GROUP MEMBERS.csv [MAX_REMOVE]
--   GROUP        the group's exact name (any case) or id
--   MEMBERS.csv  columns: username, firstName, lastName (names are used for new users)
--   MAX_REMOVE   refuse to remove more members than this: a count or a percentage
--                like 10% (default 25%); nothing is changed when it is exceeded
--
-- Meant for watch mode too: the group follows the file each time it is saved.
--   clickscript watch --on MEMBERS.csv sync_group_from_csv.lua -- GROUP MEMBERS.csv
--
-- Users missing from the account are created by the import. Run with
-- --dry-run first to see the plan.

local group, path, max_remove = arg[1], arg[2], arg[3] or "25%"
if not group or not path then
  error("usage: sync_group_from_csv.lua -- GROUP MEMBERS.csv [MAX_REMOVE]", 0)
end
if tonumber(max_remove) then max_remove = tonumber(max_remove) end

local desired = {}
for _, r in ipairs(csv.read(path)) do
  desired[#desired + 1] = {username = r.username, firstName = r.firstName, lastName = r.lastName}
end

local result = usergroup.sync(group, desired, {max_remove = max_remove})
local verb = result.dry_run and "would add" or "added"
print(string.format("%s: %s %d, %s %d, %d unchanged", group,
  verb, #result.adds, result.dry_run and "would remove" or "removed", #result.removes, result.unchanged))
for _, u in ipairs(result.adds) do print("  + " .. u) end
for _, u in ipairs(result.removes) do print("  - " .. u) end
