const res = await fetch(
  "http://localhost:29123/userspermission/users_project_permission?token=EXAMPLE_TOKEN",
  {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify([
      {
        userId: "00000000-0000-0000-0000-000000000000",
        projectId: "11111111-1111-1111-1111-111111111111",
        permissionType: 2,
      },
    ]),
  }
);
console.log(res.status);
