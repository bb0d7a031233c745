import requests
response = requests.post(
"http://localhost:29123/usergroup/insert",
params={"token": "EXAMPLE_TOKEN"},
json={"name": "Design Team", "description": "Creative project team", "active": True},
)
print(response.json())
