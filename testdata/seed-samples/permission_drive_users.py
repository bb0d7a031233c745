import requests

response = requests.get(
    "http://localhost:29123/userspermission/get_users_assigned_to_sharedclouddrive",
    params={
        "token": "EXAMPLE_TOKEN",
        "sharedCloudDriveId": "00000000-0000-0000-0000-000000000000",
        "page": 1,
        "pagesize": 20,
    },
)
print(response.json())
