const res = await fetch(
  "http://localhost:29123/user/get_all_users?token=YOUR_TOKEN"
);

if (res.status === 200) {
  console.log(await res.json());
} else if (res.status === 401) {
  console.log("Authentication required.");
} else if (res.status === 499) {
  const body = await res.json();
  const code = body.type;
  console.log(`Application error ${code}: ${body.errors[code][0]}`);
} else if (res.status === 500) {
  console.log("Server error; try again later.");
}
