import requests
response = requests.get(
"http://localhost:29123/usergroup/get_all",
params={"token": "EXAMPLE_TOKEN", "page": 1, "pagesize": 20},
)
print(response.json())
