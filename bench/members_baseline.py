# The baseline of the members benchmark: every group's members, read page
# by page, in the style of the vendor's samples (Python requests).
#   python3 members_baseline.py BASE_URL TOKEN PAGESIZE
import sys

import requests

base, token, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
groups, page = [], 1
while True:
    response = requests.get(
        base + "/usergroup/get_all",
        params={"token": token, "page": page, "pagesize": size},
    )
    body = response.json()
    groups += body["data"]
    if not body["data"] or page * size >= body["total"]:
        break
    page += 1
n = 0
for group in groups:
    page = 1
    while True:
        response = requests.get(
            base + "/usergroup/get_assigned_users",
            params={"token": token, "userGroupId": group["id"], "page": page, "pagesize": size},
        )
        body = response.json()
        n += len(body["data"])
        if not body["data"] or page * size >= body["total"]:
            break
        page += 1
print(n)
