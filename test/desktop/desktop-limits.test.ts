/** Desktop token abuse limits: failed-auth back-off per source, sockets and requests per token. */
import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import WebSocket from "ws";
import { DesktopClient, startDesktopServer, TOKEN_A, TOKEN_B, type Message } from "./support/desktop-harness.js";

test("wrong desktop tokens from one address meet the failed-auth back-off: 429 with Retry-After on HTTP and on the WebSocket upgrade", { timeout: 30_000 }, async (t) => {
  const srv = await startDesktopServer();
  t.after(() => srv.close());
  const post = (token: string) =>
    fetch(srv.httpUrl, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ request: "RequestRegisterAddress", dn: "1001", referenceId: "r" }),
    });
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) statuses.push((await post(`wrong-desktop-token-${i}`)).status);
  for (let i = 0; i < 4; i++) {
    const ws = new WebSocket(`${srv.wsUrl}?token=wrong-ws-token-${i}`);
    ws.on("error", () => undefined);
    await once(ws, "close");
  }
  assert.deepEqual(statuses, [401, 401, 401, 401, 401, 401]);
  const throttled = await post(TOKEN_A);
  assert.equal(throttled.status, 429, "the 11th try is refused even with a right token (admin.limits.failedAuthAttempts = 10)");
  assert.equal(((await throttled.json()) as { error: { code: string } }).error.code, "TANDEM_ERR_API_AUTH_THROTTLED");
  assert.ok(Number(throttled.headers.get("retry-after")) >= 1);
  const ws = new WebSocket(`${srv.wsUrl}?token=${TOKEN_A}`);
  ws.on("error", () => undefined);
  const [, res] = (await once(ws, "unexpected-response")) as [unknown, { statusCode: number; resume(): void }];
  assert.equal(res.statusCode, 429, "the upgrade is refused before any socket opens");
  res.resume();
});

test("a desktop token holds at most maxSocketsPerToken sockets; the next gets EventError TANDEM_ERR_DESKTOP_TOO_MANY_SOCKETS and 1008", { timeout: 30_000 }, async (t) => {
  const srv = await startDesktopServer({ desktop: { maxSocketsPerToken: 2 } });
  t.after(() => srv.close());
  const clients = [await DesktopClient.connect(srv.wsUrl, TOKEN_A), await DesktopClient.connect(srv.wsUrl, TOKEN_A)];
  t.after(() => Promise.all(clients.map((c) => c.close())));
  for (const c of clients) assert.equal((await c.next()).event, "EventServerConnected");
  const third = await DesktopClient.connect(srv.wsUrl, TOKEN_A);
  const refused = await third.next();
  assert.equal(refused.event, "EventError");
  assert.equal(refused["code"], "TANDEM_ERR_DESKTOP_TOO_MANY_SOCKETS");
  await once(third.ws, "close");
  assert.equal(third.closeCode, 1008);
  const other = await DesktopClient.connect(srv.wsUrl, TOKEN_B);
  t.after(() => other.close());
  assert.equal((await other.next()).event, "EventServerConnected", "another token is not affected");
  await clients[0]?.close();
  const again = await DesktopClient.connect(srv.wsUrl, TOKEN_A);
  t.after(() => again.close());
  assert.equal((await again.next()).event, "EventServerConnected", "a closed socket frees its place");
});

test("a desktop token over maxRequestsPerSecond gets TANDEM_ERR_DESKTOP_RATE_LIMITED (WebSocket EventError, HTTP 429 + Retry-After)", { timeout: 30_000 }, async (t) => {
  const srv = await startDesktopServer({ desktop: { maxRequestsPerSecond: 5 } });
  t.after(() => srv.close());
  const client = await DesktopClient.connect(srv.wsUrl, TOKEN_A);
  t.after(() => client.close());
  await client.next();
  for (let i = 0; i < 8; i++) client.send({ request: "RequestRegisterAddress", dn: "1001", referenceId: `r${i}` });
  const answers: Message[] = [];
  while (answers.length < 8) {
    const m = await client.next();
    if (typeof m["referenceId"] === "string" && (m.event === "EventRegistered" || m.event === "EventError")) answers.push(m);
  }
  const limited = answers.filter((m) => m["code"] === "TANDEM_ERR_DESKTOP_RATE_LIMITED");
  assert.ok(limited.length >= 2, JSON.stringify(answers.map((m) => [m.event, m["code"]])));
  assert.ok(limited.every((m) => /^r\d$/.test(String(m["referenceId"]))), "the refusal echoes the request's referenceId");
  const res = await fetch(srv.httpUrl, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN_A}`, "content-type": "application/json" },
    body: JSON.stringify({ request: "RequestRegisterAddress", dn: "1001", referenceId: "h" }),
  });
  assert.equal(res.status, 429, "WebSocket and HTTP share the token's budget");
  assert.ok(Number(res.headers.get("retry-after")) >= 1);
  const other = await fetch(srv.httpUrl, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN_B}`, "content-type": "application/json" },
    body: JSON.stringify({ request: "RequestRegisterAddress", dn: "1002", referenceId: "b" }),
  });
  assert.equal(other.status, 200, "another token is not affected");
});
