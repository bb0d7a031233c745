const base = "http://localhost:29123";

const loginRes = await fetch(`${base}/authentication/login`, {
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({
    username: "user@example.com",
    password: "p@ssw0rd",
    type: 16,
  }),
});
const login = await loginRes.json();

let token = login.jwtToken;
if (login.challenge === 1) {
  const mfaRes = await fetch(`${base}/authentication/mfa_respond`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      userCode: "123456",
      session: login.session,
    }),
  });
  token = (await mfaRes.json()).jwtToken;
}

const user = await fetch(
  `${base}/authentication/user?token=${encodeURIComponent(token)}`
);
console.log(await user.json());
