const res = await fetch(
  "http://localhost:29123/apitoken/insert?token=EXAMPLE_TOKEN",
  {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      title: "CI pipeline",
      expirationDate: "2027-01-01T00:00:00Z",
    }),
  }
);
console.log(await res.json());
