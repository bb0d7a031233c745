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

usergroup.assign{{userId = "00000000-0000-0000-0000-000000000000", userGroupId = "11111111-1111-1111-1111-111111111111"}}
print("assigned")

usergroup.import{{
  user = {username = "user@example.com", firstName = "Ada", lastName = "Lovelace"},
  userGroups = {{id = "00000000-0000-0000-0000-000000000000", name = "Design Team"}},
}}
print("imported")

local ok2, err2 = pcall(function() return usergroup.list{}:count() end)
print("expired", ok2, err2.status, tostring(err2))
