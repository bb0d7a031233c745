const res = await fetch(
  "http://localhost:29123/user/get_all_users?token=EXAMPLE_TOKEN&page=1&pagesize=25"
);
console.log(await res.json());
