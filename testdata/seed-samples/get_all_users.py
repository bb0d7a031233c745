import requests

response = requests.get(
    "http://localhost:29123/user/get_all_users",
    params={"token": "EXAMPLE_TOKEN", "page": 1, "pagesize": 25},
)
print(response.json())
