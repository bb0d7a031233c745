-- grant_access_from_csv.lua: make groups' project and drive grants match a CSV.
--
-- Usage: clickscript run [--dry-run] grant_access_from_csv.lua -- ACCESS.csv [MAX_REMOVE]
--   ACCESS.csv  columns: group, project, drive, level; each row names one group and
--               one project OR one drive (leave the other empty), at level read or
--               readwrite (or 1, 2). Names are exact, any case.
--   MAX_REMOVE  most grants each group may lose: a count, or a percentage of its
--               current grants like 25% (default: permission.sync's, half of them)
--
-- Every group named in the file ends up with exactly the grants its rows list:
-- missing ones are added, other levels are set, and its other project and drive
-- grants are revoked. Groups the file does not name are left alone. Every row is
-- checked, and every group's plan is made and held against MAX_REMOVE, before the
-- first write: a bad row or an oversized removal changes nothing.
--
-- Run it with --dry-run first: it prints the plan and sends nothing.

local path, max_remove = arg[1], arg[2]
if not path then
  error("usage: grant_access_from_csv.lua -- ACCESS.csv [MAX_REMOVE]", 0)
end
if tonumber(max_remove) then max_remove = tonumber(max_remove) end

local rows, columns = csv.read(path)
local has = {}
for _, c in ipairs(columns) do has[c] = true end
for _, c in ipairs{"group", "project", "drive", "level"} do
  if not has[c] then error(string.format("%s:1: no column %q (want group, project, drive, level)", path, c), 0) end
end

-- 1. Check every row, resolving names once each.
local levels = {read = "read", readwrite = "readwrite", ["1"] = "read", ["2"] = "readwrite"}
local found = {group = {}, project = {}, drive = {}}
local finders = {group = usergroup.find, project = project.find, drive = drive.find}
local function lookup(kind, name)
  local key = name:lower()
  if found[kind][key] == nil then found[kind][key] = finders[kind](name) or false end
  return found[kind][key]
end

local problems, order, desired, seen = {}, {}, {}, {}
local function bad(line, msg) problems[#problems + 1] = string.format("%s:%d: %s", path, line, msg) end
for i, r in ipairs(rows) do
  local line = i + 1 -- the header is line 1
  local level = levels[(r.level or ""):lower()]
  local kind = (r.project ~= "" and r.drive == "") and "project" or (r.drive ~= "" and r.project == "") and "drive"
  if r.group == "" then
    bad(line, "group: empty")
  elseif not kind then
    bad(line, "give a project or a drive (one of them)")
  elseif not level then
    bad(line, string.format("level: %q is not read or readwrite", r.level))
  else
    local g, obj = lookup("group", r.group), lookup(kind, r[kind])
    if not g then bad(line, string.format("group: no group named %q", r.group)) end
    if not obj then bad(line, string.format("%s: no %s named %q", kind, kind, r[kind])) end
    if g and obj then
      local pair = g.id .. "/" .. obj.id
      if seen[pair] then
        bad(line, string.format("%s and %s %q again (line %d)", g.name, kind, obj.name, seen[pair]))
      else
        seen[pair] = line
        if not desired[g.id] then
          desired[g.id] = {}
          order[#order + 1] = g
        end
        table.insert(desired[g.id], {[kind] = obj, level = level})
      end
    end
  end
end
if #problems > 0 then
  error(#problems .. " bad rows, nothing changed:\n  " .. table.concat(problems, "\n  "), 0)
end

-- 2. Plan every group (reads only), each held against MAX_REMOVE.
local plans, refused = {}, {}
for _, g in ipairs(order) do
  local ok, plan = pcall(permission.sync, {group = g}, desired[g.id], {max_remove = max_remove, plan_only = true})
  if ok then plans[g.id] = plan else refused[#refused + 1] = tostring(plan) end
end
if #refused > 0 then
  error("nothing changed:\n  " .. table.concat(refused, "\n  "), 0)
end

-- 3. Apply (under --dry-run, the plans are the output).
local dry = clickscript.dry_run
local totals = {grants = 0, changes = 0, revokes = 0, unchanged = 0}
for _, g in ipairs(order) do
  local r = plans[g.id]
  if not dry then
    r = permission.sync({group = g}, desired[g.id], {max_remove = max_remove})
  end
  print(string.format("%s: %s %d, %s %d, %s %d, %d unchanged", g.name,
    dry and "would grant" or "granted", #r.grants, dry and "would change" or "changed", #r.changes,
    dry and "would revoke" or "revoked", #r.revokes, r.unchanged))
  for _, c in ipairs(r.grants) do print(string.format("  + %s %s: %s", c.object, c.name, c.level)) end
  for _, c in ipairs(r.changes) do print(string.format("  ~ %s %s: %s -> %s", c.object, c.name, c.from, c.level)) end
  for _, c in ipairs(r.revokes) do print(string.format("  - %s %s: %s", c.object, c.name, c.level)) end
  for k in pairs(totals) do totals[k] = totals[k] + (k == "unchanged" and r.unchanged or #r[k]) end
end
print(string.format("%d groups: %s %d, %s %d, %s %d, %d unchanged", #order,
  dry and "would grant" or "granted", totals.grants, dry and "would change" or "changed", totals.changes,
  dry and "would revoke" or "revoked", totals.revokes, totals.unchanged))
