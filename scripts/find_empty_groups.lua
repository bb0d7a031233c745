-- find_empty_groups.lua: groups with no members, and inactive groups.
--
-- Usage: clickscript run find_empty_groups.lua [-- --delete-empty]
--   --delete-empty  soft-delete the empty groups found (try it with --dry-run first)
--
-- Shows :count() on a member listing and how a script takes its own flags
-- through arg.

local delete_empty = arg[1] == "--delete-empty"

local empty, inactive = {}, {}
for g in usergroup.list{} do
  if usergroup.members(g):count() == 0 then empty[#empty + 1] = g end
  if not g.active then inactive[#inactive + 1] = g end
end

print(string.format("empty groups (%d):", #empty))
for _, g in ipairs(empty) do print("  " .. g.name) end
print(string.format("inactive groups (%d):", #inactive))
for _, g in ipairs(inactive) do print("  " .. g.name) end

if delete_empty then
  for _, g in ipairs(empty) do
    usergroup.delete(g)
    print((clickscript.dry_run and "would delete " or "deleted ") .. g.name)
  end
end
