-- create_groups_from_csv.lua: create the groups listed in a CSV file.
--
-- Usage: clickscript run [--dry-run] create_groups_from_csv.lua -- GROUPS.csv
--   GROUPS.csv  columns: name, description, active (yes/no, true/false; default yes)
--
-- Groups that already exist (same name, any case) are left alone, so the
-- script can run again safely. Every row is checked before the first write.

local path = arg[1]
if not path then error("usage: create_groups_from_csv.lua -- GROUPS.csv", 0) end

local rows = csv.read(path)
local truthy = {["yes"] = true, ["true"] = true, ["1"] = true, [""] = true}
local falsy = {["no"] = true, ["false"] = true, ["0"] = true}

-- chars counts the characters of a UTF-8 string (Lua 5.1's # counts bytes).
local function chars(s)
  return select(2, s:gsub("[^\128-\191]", ""))
end

-- Validate everything first: a bad row must not leave half the groups created.
local problems = {}
for i, r in ipairs(rows) do
  local row = i + 1 -- the header is line 1
  if not r.name or r.name == "" then
    problems[#problems + 1] = string.format("%s:%d: name: empty", path, row)
  elseif chars(r.name) > 100 then
    problems[#problems + 1] = string.format("%s:%d: name: over 100 characters", path, row)
  end
  local active = (r.active or ""):lower()
  if not truthy[active] and not falsy[active] then
    problems[#problems + 1] = string.format("%s:%d: active: %q is not yes or no", path, row, r.active)
  end
end
if #problems > 0 then
  error(#problems .. " bad rows, nothing created:\n  " .. table.concat(problems, "\n  "), 0)
end

-- Under --dry-run nothing is sent: the output is worded as a plan.
local dry = clickscript.dry_run
local created, existing = 0, 0
for _, r in ipairs(rows) do
  if usergroup.find(r.name) then
    existing = existing + 1
    print("exists:  " .. r.name)
  else
    local g = usergroup.insert{
      name = r.name,
      description = r.description or "",
      active = not falsy[(r.active or ""):lower()],
    }
    created = created + 1
    print((dry and "would create: " or "created: ") .. g.name)
  end
end
print(string.format(dry and "%d would be created, %d already there" or "%d created, %d already there",
  created, existing))
