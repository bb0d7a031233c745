# The baseline of the sync benchmark: make a group's members exactly the
# users of a CSV file (username,firstName,lastName), in the style of the vendor's samples (Python
# requests): read the members, unassign those not wanted one by one, import
# the missing ones in batches of 100. No validation, no dry run.
#   python3 sync_baseline.py BASE_URL TOKEN GROUP_ID MEMBERS.csv
import csv
import sys

import requests

base, token, group_id, path = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
with open(path, newline="") as f:
    wanted = list(csv.DictReader(f))

members, page = {}, 1
while True:
    response = requests.get(
        base + "/usergroup/get_assigned_users",
        params={"token": token, "userGroupId": group_id, "page": page, "pagesize": 500},
    )
    body = response.json()
    for row in body["data"]:
        members[row["user"]["username"].lower()] = row["userUserGroup"]["id"]
    if not body["data"] or page * 500 >= body["total"]:
        break
    page += 1

wanted_set = {u["username"].lower() for u in wanted}
for username, assignment in members.items():
    if username not in wanted_set:
        response = requests.delete(
            base + "/usergroup/unassign_user",
            params={"token": token, "id": assignment},
        )
        response.raise_for_status()

adds = [u for u in wanted if u["username"].lower() not in members]
for start in range(0, len(adds), 100):
    batch = [{"user": u, "userGroups": [{"id": group_id}]} for u in adds[start:start + 100]]
    response = requests.post(
        base + "/usergroup/import_users",
        params={"token": token},
        json=batch,
    )
    response.raise_for_status()
print(len(adds), "added")
