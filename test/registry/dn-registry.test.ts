/** The DN registry on a real SQLite file: CRUD, validation, config sync, events, restart. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import type { DnChange } from "@tandem/sdk";
import { openCore, tempDir } from "../bus/test-support.js";

function setup(t: import("node:test").TestContext) {
  const path = join(tempDir(t), "tandem.sqlite");
  const core = openCore(path);
  t.after(() => core.close());
  return { path, core };
}

test("upsert, get, list by type, remove, and change listeners", { timeout: 180_000 }, (t) => {
  const { core } = setup(t);
  const changes: DnChange[] = [];
  core.registry.onChange((c) => changes.push(c));
  core.registry.onChange(() => {
    throw new Error("a broken listener must not stop the others");
  });
  const dn = core.registry.upsert({ number: "1001", type: "Extension", options: { description: "desk 1" } });
  assert.equal(dn.origin, "api");
  core.registry.upsert({ number: "q1", type: "Queue" });
  assert.deepEqual(core.registry.list({ type: "Queue" }).map((d) => d.number), ["q1"]);
  assert.deepEqual(core.registry.list({ type: ["Queue", "Extension"] }).map((d) => d.number), ["1001", "q1"]);
  assert.equal(core.registry.agent("1001")?.state, "LoggedOut");
  assert.equal(core.registry.agent("q1"), undefined, "queues carry no agent state");
  core.registry.requestAgentState({ dn: "1001", request: "Login", source: "desktop" });
  assert.equal(core.registry.remove("1001"), true);
  const logout = core.bus.since(0).at(-1);
  assert.deepEqual([logout?.name, logout?.dn, logout?.source], ["EventAgentLogout", "1001", "registry"]);
  assert.equal(core.registry.remove("1001"), false);
  assert.equal(core.registry.agent("1001"), undefined);
  assert.deepEqual(changes.map((c) => `${c.kind}:${c.dn.number}`), ["added:1001", "added:q1", "removed:1001"]);
});

test("bad numbers, types and options give coded errors", { timeout: 180_000 }, (t) => {
  const { core } = setup(t);
  assert.throws(() => core.registry.upsert({ number: "10 01", type: "Extension" }), { code: "TANDEM_ERR_DN_NUMBER_INVALID" });
  assert.throws(() => core.registry.upsert({ number: "", type: "Extension" }), { code: "TANDEM_ERR_DN_NUMBER_INVALID" });
  assert.throws(() => core.registry.upsert({ number: "1001", type: "Phone" as never }), { code: "TANDEM_ERR_DN_TYPE_INVALID" });
  assert.throws(() => core.registry.upsert({ number: "1001", type: "Extension", options: { description: 7 } }), {
    code: "TANDEM_ERR_DN_OPTION_INVALID",
    message: /description/,
  });
  assert.throws(() => core.registry.upsert({ number: "svc", type: "VoipService", options: { contact: "http://x" } }), {
    code: "TANDEM_ERR_DN_OPTION_INVALID",
  });
  assert.equal(core.registry.list().length, 0);
});

test("syncFromConfig upserts config DNs, removes vanished ones, keeps api DNs, refuses API edits of config DNs", { timeout: 180_000 }, (t) => {
  const { path, core } = setup(t);
  core.registry.syncFromConfig([
    { number: "1001", type: "Extension", options: { description: "desk 1" } },
    { number: "cucm", type: "VoipService", options: { contact: "sip:127.0.0.1:5070", "contact-backup": ["sip:127.0.0.1:5072"] } },
  ]);
  core.registry.upsert({ number: "2001", type: "ACDPosition" });
  assert.equal(core.registry.get("1001")?.origin, "config");
  assert.throws(() => core.registry.upsert({ number: "1001", type: "Extension" }), { code: "TANDEM_ERR_DN_CONFIG_MANAGED" });
  assert.throws(() => core.registry.remove("cucm"), { code: "TANDEM_ERR_DN_CONFIG_MANAGED" });
  core.close();

  const again = openCore(path);
  t.after(() => again.close());
  const changes: DnChange[] = [];
  again.registry.onChange((c) => changes.push(c));
  again.registry.syncFromConfig([{ number: "1001", type: "Extension", options: { description: "desk 1" } }]);
  assert.deepEqual(again.registry.list().map((d) => `${d.number}:${d.origin}`), ["1001:config", "2001:api"]);
  assert.deepEqual(changes.map((c) => `${c.kind}:${c.dn.number}`), ["removed:cucm"], "unchanged 1001 is not re-announced");
});

test("syncFromConfig reports every bad entry at once and changes nothing", { timeout: 180_000 }, (t) => {
  const { core } = setup(t);
  assert.throws(
    () =>
      core.registry.syncFromConfig([
        { number: "1001", type: "Extension" },
        { number: "1001", type: "Extension" },
        { number: "bad number", type: "Queue" },
        { number: "x", type: "Trunk", options: { "contact-backup": "sip:10.0.0.6" } },
      ]),
    (err: Error & { code?: string; details?: unknown[] }) => {
      assert.equal(err.code, "TANDEM_ERR_DN_CONFIG_INVALID");
      assert.deepEqual(
        err.details?.map((d) => (d as { code: string }).code),
        ["TANDEM_ERR_DN_DUPLICATE", "TANDEM_ERR_DN_NUMBER_INVALID", "TANDEM_ERR_DN_OPTION_INVALID"],
      );
      return true;
    },
  );
  assert.equal(core.registry.list().length, 0);
});

test("agent requests emit T-Library events with source, reasonCode, workMode and the echoed referenceId", { timeout: 180_000 }, (t) => {
  const { core } = setup(t);
  core.registry.upsert({ number: "1001", type: "Extension" });
  const seen: string[] = [];
  core.bus.on("*", (e) => seen.push(e.name));
  const login = core.registry.requestAgentState({ dn: "1001", request: "Login", source: "desktop", referenceId: "r1" });
  assert.equal(login.applied, true);
  assert.deepEqual(login.events.map((e) => [e.name, e.dn, e.source, e.referenceId]), [
    ["EventAgentLogin", "1001", "desktop", "r1"],
    ["EventAgentNotReady", "1001", "desktop", "r1"],
  ]);
  const nr = core.registry.requestAgentState({ dn: "1001", request: "NotReady", source: "presence", reasonCode: "OnPhone", workMode: "AuxWork" });
  assert.deepEqual(nr.events[0]?.data, { state: "NotReady", baseState: "NotReady", previousState: "NotReady", reasonCode: "OnPhone", workMode: "AuxWork" });
  const refused = core.registry.requestAgentState({ dn: "1001", request: "Ready", source: "desktop" });
  assert.equal(refused.applied, false);
  assert.equal(refused.code, "TANDEM_ERR_AGENT_PRIORITY");
  assert.equal(refused.snapshot.state, "NotReady");
  assert.deepEqual(seen, ["EventAgentLogin", "EventAgentNotReady", "EventAgentNotReady"]);
  assert.throws(() => core.registry.requestAgentState({ dn: "nope", request: "Login", source: "desktop" }), { code: "TANDEM_ERR_DN_NOT_FOUND" });
  core.registry.upsert({ number: "q1", type: "Queue" });
  assert.throws(() => core.registry.requestAgentState({ dn: "q1", request: "Login", source: "desktop" }), { code: "TANDEM_ERR_AGENT_NOT_AGENT_DN" });
  assert.throws(() => core.registry.requestAgentState({ dn: "1001", request: "Dance" as never, source: "desktop" }), {
    code: "TANDEM_ERR_AGENT_REQUEST_INVALID",
  });
});

test("attachCall/detachCall: Busy while on calls, after-call work option, any Ready clears ACW", { timeout: 180_000 }, (t) => {
  const { core } = setup(t);
  core.registry.upsert({ number: "1001", type: "Extension" });
  core.registry.requestAgentState({ dn: "1001", request: "Login", source: "desktop", workMode: "AutoIn" });
  assert.equal(core.registry.attachCall("1001", "c1")?.state, "Busy");
  assert.equal(core.registry.attachCall("1001", "c2")?.calls.length, 2);
  assert.equal(core.registry.detachCall("1001", "c1", { after: "AfterCallWork" })?.state, "Busy", "still on c2");
  const after = core.registry.detachCall("1001", "c2", { after: "AfterCallWork", reasonCode: "Wrap" });
  assert.equal(after?.state, "NotReady");
  assert.equal(after?.workMode, "AfterCallWork");
  const last = core.bus.since(0).at(-1);
  assert.equal(last?.name, "EventAgentNotReady");
  assert.equal(last?.data.workMode, "AfterCallWork");
  const r = core.registry.requestAgentState({ dn: "1001", request: "Ready", source: "presence" });
  assert.equal(r.applied, true);
  assert.equal(r.snapshot.state, "Ready");
  assert.equal(core.registry.attachCall("q-unknown", "c3"), undefined);
  core.registry.attachCall("1001", "c4");
  assert.equal(core.registry.detachCall("1001", "c4")?.state, "Ready", "default: back to the state before the call");
});

test("DNs and agent states survive closing and reopening the database; stale calls are dropped", { timeout: 180_000 }, (t) => {
  const { path, core } = setup(t);
  core.registry.syncFromConfig([{ number: "1001", type: "Extension" }]);
  core.registry.upsert({ number: "2001", type: "ACDPosition", options: { description: "made over the API" } });
  core.registry.requestAgentState({ dn: "1001", request: "Login", source: "desktop" });
  core.registry.requestAgentState({ dn: "1001", request: "NotReady", source: "presence", reasonCode: "OnPhone" });
  core.registry.requestAgentState({ dn: "2001", request: "Login", source: "desktop", workMode: "AutoIn" });
  core.registry.attachCall("2001", "c1");
  const before = core.registry.agent("1001");
  const lastSeq = core.bus.lastSeq();
  core.close();

  const again = openCore(path);
  t.after(() => again.close());
  again.registry.syncFromConfig([{ number: "1001", type: "Extension" }]);
  assert.deepEqual(again.registry.get("2001")?.options, { description: "made over the API" });
  assert.deepEqual(again.registry.agent("1001"), before);
  assert.equal(again.registry.agent("2001")?.state, "Ready", "calls from before the restart are gone");
  // The priority rule's blocks survived too: presence still holds NotReady.
  assert.equal(again.registry.requestAgentState({ dn: "1001", request: "Ready", source: "desktop" }).code, "TANDEM_ERR_AGENT_PRIORITY");
  assert.equal(again.bus.lastSeq(), lastSeq);
});
