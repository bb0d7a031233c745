-- luacheck configuration for clickscript's Lua scripts: `luacheck scripts/`
-- (CI runs it; see .ci/run). clickscript runs Lua 5.1 (gopher-lua).
std = "lua51"

-- The modules clickscript sets as globals (`arg` is in lua51 already).
-- Read-only: a script that assigns to one is a mistake; fields may be
-- read (usergroup.list, json.null), not set.
read_globals = {
  "usergroup", -- user groups, members, assignments
  "user",      -- the account's users
  "project",   -- projects (look-ups)
  "drive",     -- shared cloud drives (look-ups)
  "permission", -- who reaches which project or drive, at which level
  "apitoken",  -- long-lived API tokens
  "json",
  "csv",
  "log",
  "event",     -- watch runs: what changed (nil in other runs)
  "clickscript", -- facts about the run: clickscript.dry_run
}

-- The LuaLS stubs that `clickscript types` writes carry their own inline
-- options; nothing else is generated.
max_line_length = 120
