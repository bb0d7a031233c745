# The baseline of the list benchmark: the page loop a user writes without
# clickscript, in the style of the vendor's samples (Python requests), with
# one keep-alive Session as a careful user would.
#   python3 list_baseline.py BASE_URL TOKEN PAGESIZE
import sys

import requests

base, token, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
session = requests.Session()
n, page = 0, 1
while True:
    response = session.get(
        base + "/usergroup/get_all",
        params={"token": token, "page": page, "pagesize": size},
    )
    body = response.json()
    n += len(body["data"])
    if not body["data"] or page * size >= body["total"]:
        break
    page += 1
print(n)
