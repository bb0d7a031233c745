-- watch_sync_members.lua: keep a group's members in step with a CSV, on every save.
--
-- Usage: clickscript watch --on MEMBERS.csv watch_sync_members.lua -- GROUP MEMBERS.csv [MAX_REMOVE]
--        clickscript run [--dry-run] watch_sync_members.lua -- GROUP MEMBERS.csv [MAX_REMOVE]
--   GROUP        the group's exact name (any case) or id
--   MEMBERS.csv  columns: username, firstName, lastName (names are used for new users)
--   MAX_REMOVE   refuse to remove more members than this: a count or a percentage
--                like 10% (default 25%); nothing is changed when it is exceeded
--
-- Under watch, each save of the CSV (or of this script) syncs again and says
-- what changed. Whatever the mode, it changes nothing when the CSV is gone
-- (deleted or moved away: the group waits for it to come back) or has no
-- rows (a save caught half-way), rather than emptying the group.
-- Every row is checked before the first write: a repeated or empty username
-- names its line. Users missing from the account are created by the import.
-- Under run, `event` is nil and it syncs once. Try it with --dry-run first.

local group, path, max_remove = arg[1], arg[2], arg[3] or "25%"
if not group or not path then
  error("usage: watch_sync_members.lua -- GROUP MEMBERS.csv [MAX_REMOVE]", 0)
end
if tonumber(max_remove) then max_remove = tonumber(max_remove) end

-- What triggered this run, when there is a watch.
if event then
  local what = {}
  for _, c in ipairs(event.changes) do what[#what + 1] = c.path .. " (" .. c.kind .. ")" end
  print(string.format("[%s] %s", event.time, event.initial and "initial sync" or table.concat(what, ", ")))
end

local f = io.open(path, "r")
if not f then
  print(string.format("%s: %s is missing: nothing changed", group, path))
  return
end
f:close()

local rows = csv.read(path)
if #rows == 0 then
  print(string.format("%s: %s has no rows: nothing changed", group, path))
  return
end

-- Check every row first: line numbers count the header as line 1.
local desired, first_line, bad = {}, {}, {}
for i, r in ipairs(rows) do
  local line = i + 1
  local name = r.username or ""
  local key = name:lower()
  if name == "" then
    bad[#bad + 1] = string.format("%s:%d: empty username", path, line)
  elseif first_line[key] then
    bad[#bad + 1] = string.format("%s:%d: %s repeats line %d", path, line, name, first_line[key])
  else
    first_line[key] = line
    desired[#desired + 1] = {username = name, firstName = r.firstName, lastName = r.lastName}
  end
end
if #bad > 0 then error(table.concat(bad, "\n"), 0) end

local result = usergroup.sync(group, desired, {max_remove = max_remove})
local dry = result.dry_run
print(string.format("%s: %s %d, %s %d, %d unchanged", group,
  dry and "would add" or "added", #result.adds, dry and "would remove" or "removed", #result.removes, result.unchanged))
for _, u in ipairs(result.adds) do print("  + " .. u) end
for _, u in ipairs(result.removes) do print("  - " .. u) end
