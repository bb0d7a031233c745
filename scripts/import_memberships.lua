-- import_memberships.lua: bulk-import user-to-group memberships from a CSV file.
--
-- Usage: clickscript run [--dry-run] import_memberships.lua -- MEMBERSHIPS.csv
--   MEMBERSHIPS.csv  columns: username, firstName, lastName, group
--                    (group is a group name or id; a user may appear on several rows)
--
-- Users missing from the account are created; memberships that already
-- exist are skipped, so running it twice changes nothing the second time.
-- Every row is checked before the first write; a bad file sends nothing.

local path = arg[1]
if not path then error("usage: import_memberships.lua -- MEMBERSHIPS.csv", 0) end

local uuid = "^%x%x%x%x%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x$"
local relations = {}
for _, r in ipairs(csv.read(path)) do
  local ref = (r.group or ""):match(uuid) and {id = r.group} or {name = r.group}
  relations[#relations + 1] = {
    user = {username = r.username, firstName = r.firstName, lastName = r.lastName},
    userGroups = {ref},
  }
end

local result = usergroup.import(relations)
print(string.format("%s %d memberships in %d batches", result.dry_run and "would import" or "imported",
  result.items, result.batches))
