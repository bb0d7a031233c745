import requests

response = requests.get(
    "http://localhost:29123/user/get_all_users",
    params={"token": "YOUR_TOKEN"},
)

if response.status_code == 200:
    print(response.json())
elif response.status_code == 401:
    print("Authentication required; refresh your token.")
elif response.status_code == 499:
    body = response.json()
    code = body["type"]
    print(f"Application error {code}: {body['errors'][code][0]}")
elif response.status_code == 500:
    print("Server error; try again later.")
