-- vendor_contract.lua: replays testdata/contract/vendor_contract.json, a
-- cassette built by hand from the vendor's documented example bodies
-- (../shared/seed/ and ../shared/api/click-api.md), so that the engine is
-- proven on the documented shapes and not only on the emulator's.

for g in usergroup.list{pagesize = 20} do
  print("group", g.id, g.name, g.description, g.active, g.deleted, g.accountId)
end

local g = usergroup.insert{name = "Design Team", description = "Creative project team", active = true}
print("inserted", g.id, g.name)

local ok, err = pcall(usergroup.insert, {name = "Design Team", description = "Creative project team", active = true})
print("duplicate", ok, err.status, err.type, err.messages[1])
print(tostring(err))

for m in usergroup.members(g.id) do
  -- the documented lowercase firstname/lastname of User
  print("member", m.user.username, m.user.firstname, m.user.lastname, m.user.status, m.userUserGroup.id)
end

local a = usergroup.assign{{userId = "44444444-4444-4444-4444-444444444444", userGroupId = g.id}}
print("assigned", a.added, a.unchanged)

local i = usergroup.import{{
  user = {username = "ada@example.com", firstName = "Ada", lastName = "Lovelace"},
  userGroups = {{name = "Design Team"}},
}}
print("imported", i.added, i.created_users)

local ok2, err2 = pcall(function() return usergroup.list{}:count() end)
print("expired", ok2, err2.status, tostring(err2))
