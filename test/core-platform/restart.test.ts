/** DNs and agent states created before a restart are there after it (same SQLite file). */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { createServer } from "../../core/src/server.js";
import { fakeSipStack } from "./helpers/fake-sip.js";
import { baseConfig, tempDir } from "./helpers/temp-plugins.js";

test("DNs (config and API) and agent states survive a restart", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const raw = baseConfig({
    storage: { path: "./state/tandem.sqlite", eventFlushMs: 5 },
    dns: [{ number: "1001", type: "Extension", description: "desk 1" }, { number: "1002", type: "Extension" }],
  });
  const boot = async () => {
    const server = await createServer(raw, { configDir: dir, overrides: { createSipStack: fakeSipStack() } });
    await server.start();
    return server;
  };

  const first = await boot();
  first.dns.upsert({ number: "2001", type: "ACDPosition", options: { description: "made over the API" } });
  first.dns.requestAgentState({ dn: "1001", request: "Login", source: "desktop" });
  first.dns.requestAgentState({ dn: "1001", request: "Ready", source: "desktop" });
  first.dns.requestAgentState({ dn: "1002", request: "Login", source: "desktop" });
  first.dns.requestAgentState({ dn: "1002", request: "NotReady", source: "desktop", reasonCode: "Lunch" });
  const lastSeq = first.bus.lastSeq();
  await first.stop();

  const second = await boot();
  t.after(() => second.stop());
  assert.equal(second.config.storage.path, join(dir, "state", "tandem.sqlite"));
  assert.deepEqual(second.dns.list().map((d) => [d.number, d.type, d.origin]).sort(), [
    ["1001", "Extension", "config"],
    ["1002", "Extension", "config"],
    ["2001", "ACDPosition", "api"],
  ]);
  assert.equal(second.dns.get("1001")?.options["description"], "desk 1");
  assert.equal(second.dns.agent("1001")?.state, "Ready");
  assert.equal(second.dns.agent("1002")?.state, "NotReady");
  assert.equal(second.dns.agent("1002")?.reasonCode, "Lunch");
  assert.equal(second.bus.lastSeq(), lastSeq, "the event log keeps its seq across the restart");
  assert.equal(second.bus.since(0).length, lastSeq);
  const res = await second.admin.inject({ method: "GET", url: "/api/v1/agents/1002", headers: { authorization: "Bearer test-token-0123456789" } });
  assert.equal(res.statusCode, 200);
  assert.equal((JSON.parse(res.body) as { state: string }).state, "NotReady");
});
