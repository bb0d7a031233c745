import requests

response = requests.get(
    "http://localhost:29123/sharedclouddrive/get_all",
    params={"token": "EXAMPLE_TOKEN", "page": 1, "pagesize": 20},
)
print(response.json())
