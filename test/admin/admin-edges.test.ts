/** Edges of the admin API: one DN pattern for every DN path, framework errors in the API's format, coded listen failures, a terse public /health. */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { test } from "node:test";
import { auth, startHarness } from "./admin-support.js";

interface ApiError {
  error: { code: string; message: string; details: unknown[] };
}

test("/agents/:dn checks the same DN pattern as /dns/:number (400 naming params.dn)", { timeout: 180_000 }, async (t) => {
  const { admin } = startHarness(t);
  for (const url of ["/api/v1/agents/bad%20dn", "/api/v1/agents/-1001", "/api/v1/dns/bad%20dn"]) {
    const res = await admin.inject({ method: "GET", url, headers: auth });
    assert.equal(res.statusCode, 400, url);
    assert.equal(res.json<ApiError>().error.code, "TANDEM_ERR_API_VALIDATION", url);
  }
  const state = await admin.inject({ method: "POST", url: "/api/v1/agents/a%2Fb/state", headers: auth, payload: { request: "Login" } });
  assert.equal(state.statusCode, 400);
  assert.match(state.json<ApiError>().error.message, /params\.dn/);
});

test("an overlong path segment gets 414 and an undecodable URL 400, both in the API's error format", { timeout: 180_000 }, async (t) => {
  const { admin } = startHarness(t);
  const long = await admin.inject({ method: "GET", url: `/api/v1/dns/${"1".repeat(300)}`, headers: auth });
  assert.equal(long.statusCode, 414);
  assert.equal(long.json<ApiError>().error.code, "TANDEM_ERR_API_URI_TOO_LONG");
  const bad = await admin.inject({ method: "GET", url: "/api/v1/dns/%zz", headers: auth });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json<ApiError>().error.code, "TANDEM_ERR_API_BAD_REQUEST");
});

test("request headers above Node's limit get 431 in the API's error format", { timeout: 180_000 }, async (t) => {
  const { admin } = startHarness(t);
  const { port } = await admin.listen();
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(`GET /api/v1/dns?q=${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`));
    let text = "";
    socket.on("data", (d: Buffer) => (text += d.toString()));
    socket.on("close", () => resolve(text));
    socket.on("error", reject);
  });
  assert.match(raw, /^HTTP\/1\.1 431 /);
  assert.equal((JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4)) as ApiError).error.code, "TANDEM_ERR_API_HEADERS_TOO_LARGE");
});

test("an admin address in use or not on this host is a coded error naming it", { timeout: 180_000 }, async (t) => {
  const first = startHarness(t);
  const { port } = await first.admin.listen();
  const inUse = startHarness(t, { port });
  await assert.rejects(inUse.admin.listen(), (err: { code: string; message: string }) => {
    assert.equal(err.code, "TANDEM_ERR_API_LISTEN");
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}.*EADDRINUSE`));
    return true;
  });
  const elsewhere = startHarness(t, { host: "192.0.2.1" }); // TEST-NET-1 (RFC 5737): on no interface here
  await assert.rejects(elsewhere.admin.listen(), (err: { code: string; message: string }) => {
    assert.equal(err.code, "TANDEM_ERR_API_LISTEN");
    assert.match(err.message, /192\.0\.2\.1:0.*EADDRNOTAVAIL/);
    return true;
  });
});

test("/health without a token says only status; a token or admin.healthDetails shows version and counts", { timeout: 180_000 }, async (t) => {
  const terse = startHarness(t);
  assert.deepEqual((await terse.admin.inject({ method: "GET", url: "/api/v1/health" })).json(), { status: "ok" });
  assert.deepEqual((await terse.admin.inject({ method: "GET", url: "/api/v1/health", headers: { authorization: "Bearer wrong" } })).json(), { status: "ok" });
  const detailed = await terse.admin.inject({ method: "GET", url: "/api/v1/health", headers: auth });
  assert.match(detailed.json<{ version: string }>().version, /^\d+\.\d+\.\d+/);
  const open = startHarness(t, { healthDetails: true });
  const body = (await open.admin.inject({ method: "GET", url: "/api/v1/health" })).json<{ version: string; sip: string }>();
  assert.match(body.version, /^\d+\.\d+\.\d+/);
  assert.equal(body.sip, "up");
});
