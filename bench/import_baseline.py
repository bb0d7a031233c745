# The baseline of the import benchmark: what a user writes without
# clickscript, in the style of the vendor's samples (Python requests),
# sending the same batches one after another.
#   python3 import_baseline.py BASE_URL TOKEN BATCHES.json
import json
import sys

import requests

base, token, path = sys.argv[1], sys.argv[2], sys.argv[3]
with open(path) as f:
    batches = json.load(f)

for batch in batches:
    response = requests.post(
        base + "/usergroup/import_users",
        params={"token": token},
        json=batch,
    )
    response.raise_for_status()
print(len(batches), "batches")
