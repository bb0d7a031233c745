const res = await fetch(
"http://localhost:29123/usergroup/insert?token=EXAMPLE_TOKEN",
{
method: "POST",
headers: { "Content-Type": "application/json" },
body: JSON.stringify({
name: "Design Team",
description: "Creative project team",
active: true,
}),
}
);
console.log(await res.json());
