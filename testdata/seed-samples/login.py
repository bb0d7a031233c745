import requests

base = "http://localhost:29123"

login = requests.post(
    f"{base}/authentication/login",
    json={
        "username": "user@example.com",
        "password": "p@ssw0rd",
        "type": 16,
    },
)
login.raise_for_status()
data = login.json()

if data["challenge"] == 1:
    code = input("Enter TOTP code: ")
    mfa = requests.post(
        f"{base}/authentication/mfa_respond",
        json={"userCode": code, "session": data["session"]},
    )
    mfa.raise_for_status()
    token = mfa.json()["jwtToken"]
else:
    token = data["jwtToken"]

user = requests.get(
    f"{base}/authentication/user",
    params={"token": token},
)
print(user.json())
