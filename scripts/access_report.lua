-- access_report.lua: who can reach what. Every user's effective access to
-- projects and shared cloud drives, through direct grants and through groups.
--
-- Usage: clickscript run access_report.lua [-- [--csv] [USER_FILTER]]
--   --csv        print CSV (user,object,name,level,via) instead of an aligned table
--   USER_FILTER  optional case-insensitive substring of the usernames to show
--
-- One row per user and project (or drive) the user reaches. LEVEL is the highest
-- level any route gives; VIA lists the routes: "direct" for a grant to the user,
-- else the group's name, each with its own level when the routes differ. A group
-- grant reaches every member of the group; an inactive group is listed with
-- "(inactive)", since the agent's documentation does not say its grants stop
-- applying. Reads only.
--
-- It reads each project's and drive's grants (permission.list, both directions),
-- then the members of each group that holds a grant: a few requests per object and
-- per group, however many users the account has.

local as_csv, filter = false, nil
for _, a in ipairs(arg) do
  if a == "--csv" then as_csv = true else filter = a:lower() end
end

local levels = {"read", "readwrite"}
local access = {}   -- username -> key -> {object=, name=, level=, via={}}
local by_group = {} -- group id -> {group=, grants={...}}
local group_order = {}

local function reach(username, object, name, level, via, inactive)
  if filter and not username:lower():find(filter, 1, true) then return end
  local mine = access[username]
  if not mine then mine = {} access[username] = mine end
  local key = object .. "\0" .. name
  local row = mine[key]
  if not row then
    row = {object = object, name = name, level = 0, via = {}}
    mine[key] = row
  end
  if level > row.level then row.level = level end
  row.via[#row.via + 1] = {name = via, level = level, inactive = inactive}
end

-- routes formats a row's routes: direct first, then groups by name.
local function routes(via)
  table.sort(via, function(a, b)
    if (a.name == "direct") ~= (b.name == "direct") then return a.name == "direct" end
    return a.name < b.name
  end)
  local mixed = false
  for _, v in ipairs(via) do mixed = mixed or v.level ~= via[1].level end
  local out = {}
  for i, v in ipairs(via) do
    local notes = {}
    if v.inactive then notes[#notes + 1] = "inactive" end
    if mixed then notes[#notes + 1] = levels[v.level] end
    out[i] = v.name .. (#notes > 0 and " (" .. table.concat(notes, ", ") .. ")" or "")
  end
  return table.concat(out, ", ")
end

local function read_grants(object, listing, item)
  for it in listing{} do
    local name = it.name
    for r in permission.list{[object] = it, of = "users"} do
      reach(r.user.username, object, name, r.permission.permissionType, "direct")
    end
    for r in permission.list{[object] = it, of = "groups"} do
      local g = r.userGroup
      if not by_group[g.id] then
        by_group[g.id] = {group = g, grants = {}}
        group_order[#group_order + 1] = g.id
      end
      table.insert(by_group[g.id].grants, {object = object, name = name, level = r.permission.permissionType})
    end
    item = item + 1
  end
  return item
end

local objects = read_grants("project", project.list, 0)
objects = read_grants("drive", drive.list, objects)

for _, id in ipairs(group_order) do
  local entry = by_group[id]
  for m in usergroup.members(id) do
    for _, gr in ipairs(entry.grants) do
      reach(m.user.username, gr.object, gr.name, gr.level, entry.group.name, not entry.group.active)
    end
  end
end

-- Rows: users by username; each user's projects, then drives, by name.
local users = {}
for username in pairs(access) do users[#users + 1] = username end
table.sort(users)
local rows = {}
for _, username in ipairs(users) do
  local mine = {}
  for _, row in pairs(access[username]) do mine[#mine + 1] = row end
  table.sort(mine, function(a, b)
    if a.object ~= b.object then return a.object == "project" end
    return a.name < b.name
  end)
  for _, row in ipairs(mine) do
    rows[#rows + 1] = {username, row.object, row.name, levels[row.level], routes(row.via)}
  end
end

local header = {"USER", "OBJECT", "NAME", "LEVEL", "VIA"}
if as_csv then
  local function field(s)
    if s:find('[,"\r\n]') then return '"' .. s:gsub('"', '""') .. '"' end
    return s
  end
  local function line(cells)
    local out = {}
    for i, c in ipairs(cells) do out[i] = field(c) end
    print(table.concat(out, ","))
  end
  line{"user", "object", "name", "level", "via"}
  for _, r in ipairs(rows) do line(r) end
  return
end

-- chars counts the characters of a UTF-8 string (Lua 5.1's # counts bytes).
local function chars(s)
  return select(2, s:gsub("[^\128-\191]", ""))
end
local width = {}
for i, h in ipairs(header) do width[i] = #h end
for _, r in ipairs(rows) do
  for i = 1, 4 do width[i] = math.max(width[i], chars(r[i])) end
end
local function line(cells)
  local out = {}
  for i = 1, 4 do out[i] = cells[i] .. string.rep(" ", width[i] - chars(cells[i])) end
  out[5] = cells[5]
  print(table.concat(out, "  "))
end
line(header)
for _, r in ipairs(rows) do line(r) end
print(string.format("%d users reach %d of %d projects and drives (%d rows)", #users,
  (function()
    local seen, n = {}, 0
    for _, r in ipairs(rows) do
      local k = r[2] .. "\0" .. r[3]
      if not seen[k] then seen[k] = true n = n + 1 end
    end
    return n
  end)(), objects, #rows))
