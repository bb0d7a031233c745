import requests

response = requests.post(
    "http://localhost:29123/userspermission/users_project_permission",
    params={"token": "EXAMPLE_TOKEN"},
    json=[
        {
            "userId": "00000000-0000-0000-0000-000000000000",
            "projectId": "11111111-1111-1111-1111-111111111111",
            "permissionType": 2,
        }
    ],
)
print(response.status_code)
