-- import_memberships.lua: bulk-import user-to-group memberships from a CSV file.
--
-- Usage: clickscript run [--dry-run] [--results OUT.csv] [--journal J] [--audit A] \
--          import_memberships.lua -- MEMBERSHIPS.csv
--   MEMBERSHIPS.csv  columns: username, firstName, lastName, group
--                    (group is a group name or id; a user may appear on several rows)
--
-- Every row is checked before the first write (usernames, groups that exist,
-- duplicate rows, column counts): a bad file sends nothing and every bad row
-- is named by its line. Users missing from the account are created;
-- memberships that already exist are left alone, so running it twice changes
-- nothing the second time. With --journal, a run that failed half-way
-- finishes on the next run without resending what was applied.

local path = arg[1]
if not path then error("usage: import_memberships.lua -- MEMBERSHIPS.csv", 0) end

local r = usergroup.import_csv(path)
if r.dry_run then
  print(string.format("would add %d memberships (%d already in place, %d new users) in %d batches",
    r.items - r.unchanged, r.unchanged, r.created_users, r.batches))
else
  print(string.format("added %d memberships (%d already in place, %d skipped by the journal, %d new users)",
    r.added, r.unchanged, r.skipped, r.created_users))
end
