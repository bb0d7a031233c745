import requests

response = requests.post(
    "http://localhost:29123/apitoken/insert",
    params={"token": "EXAMPLE_TOKEN"},
    json={"title": "CI pipeline", "expirationDate": "2027-01-01T00:00:00Z"},
)
print(response.json())
