/** The admin API's abuse limits: WebSocket message size at the socket, sockets and requests per token, failed-auth back-off. */
import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import WebSocket from "ws";
import { auth, startHarness, TOKEN } from "./admin-support.js";

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

test("a WebSocket frame above admin.limits.wsMaxMessageBytes closes the socket with 1009 and never reaches the handler", { timeout: 20_000 }, async (t) => {
  const { admin } = startHarness(t, { limits: { wsMaxMessageBytes: 64 * 1024 } });
  const received: number[] = [];
  admin.addPluginWebSocket("example", { path: "/live", handler: (socket) => socket.onMessage((text) => received.push(text.length)) });
  const { port } = await admin.listen();
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/plugins/example/live`, { headers: auth });
  t.after(() => ws.terminate());
  await once(ws, "open");
  ws.send("x".repeat(1000));
  ws.send("y".repeat(2 * 1024 * 1024));
  const [code] = (await once(ws, "close")) as [number];
  assert.equal(code, 1009, "RFC 6455 §7.4.1: message too big");
  assert.deepEqual(received, [1000], "only the small message was delivered");
});

test("an admin token holds at most admin.limits.socketsPerToken WebSockets; the next upgrade gets a coded 429", { timeout: 20_000 }, async (t) => {
  const { admin } = startHarness(t, { limits: { socketsPerToken: 2 } });
  admin.addPluginWebSocket("example", { path: "/live", handler: () => undefined });
  const { port } = await admin.listen();
  const url = `ws://127.0.0.1:${port}/api/v1/plugins/example/live`;
  const open = async () => {
    const ws = new WebSocket(url, { headers: auth });
    t.after(() => ws.terminate());
    ws.on("error", () => undefined);
    return ws;
  };
  const [a, b] = [await open(), await open()];
  await Promise.all([once(a, "open"), once(b, "open")]);
  const c = await open();
  const [, res] = (await once(c, "unexpected-response")) as [unknown, { statusCode: number; headers: Record<string, string>; on: (e: string, f: (d: Buffer) => void) => void }];
  assert.equal(res.statusCode, 429);
  let body = "";
  res.on("data", (d) => (body += d.toString()));
  await once(res as unknown as NodeJS.EventEmitter, "end");
  assert.equal(JSON.parse(body).error.code, "TANDEM_ERR_API_TOO_MANY_SOCKETS");
  assert.ok(Number(res.headers["retry-after"]) >= 1);
  const other = new WebSocket(url, { headers: bearer("another-token") });
  t.after(() => other.terminate());
  await once(other, "open");
  a.close();
  await once(a, "close");
  const again = await open();
  await once(again, "open");
});

test("a source that sent admin.limits.failedAuthAttempts wrong tokens gets 429 with Retry-After, even with a right token, until the window passes", { timeout: 20_000 }, async (t) => {
  t.mock.timers.enable({ apis: ["Date"], now: 1_000_000 });
  const { admin } = startHarness(t, { limits: { failedAuthAttempts: 5, failedAuthWindowSeconds: 60 } });
  const guess = (token: string, remoteAddress = "10.0.0.7") =>
    admin.inject({ method: "GET", url: "/api/v1/dns", headers: bearer(token), remoteAddress });
  for (let i = 0; i < 5; i++) {
    assert.equal((await guess(`wrong-${i}`)).statusCode, 401);
    t.mock.timers.tick(1000);
  }
  const throttled = await guess(TOKEN);
  assert.equal(throttled.statusCode, 429);
  assert.equal(throttled.json<{ error: { code: string } }>().error.code, "TANDEM_ERR_API_AUTH_THROTTLED");
  assert.equal(throttled.headers["retry-after"], "55", "until the oldest failure leaves the 60 s window");
  assert.equal((await guess(TOKEN, "10.0.0.8")).statusCode, 200, "another source is not affected");
  const health = await admin.inject({ method: "GET", url: "/api/v1/health", remoteAddress: "10.0.0.7" });
  assert.equal(health.statusCode, 200, "health stays reachable");
  t.mock.timers.tick(55_000);
  assert.equal((await guess(TOKEN)).statusCode, 200, "allowed again after the window");
});

test("an admin token over admin.limits.requestsPerSecond gets a coded 429 with Retry-After; other tokens are not affected", { timeout: 20_000 }, async (t) => {
  const { admin } = startHarness(t, { limits: { requestsPerSecond: 5 } });
  // All at once, so the bucket cannot refill between them however slow the machine.
  const replies = await Promise.all(Array.from({ length: 10 }, () => admin.inject({ method: "GET", url: "/api/v1/dns", headers: auth })));
  const ok = replies.filter((r) => r.statusCode === 200).length;
  const limited = replies.filter((r) => r.statusCode === 429);
  assert.ok(ok >= 5 && ok <= 6, `about one second's worth passes: ${ok}`);
  assert.ok(limited.length >= 4, `the rest is refused: ${limited.length}`);
  for (const res of limited) {
    assert.equal(res.json<{ error: { code: string } }>().error.code, "TANDEM_ERR_API_RATE_LIMITED");
    assert.ok(Number(res.headers["retry-after"]) >= 1);
  }
  assert.equal((await admin.inject({ method: "GET", url: "/api/v1/dns", headers: bearer("another-token") })).statusCode, 200);
});
