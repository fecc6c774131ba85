/** The routing plugin's queue order and agent selection (pure parts). */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { AgentSnapshot } from "@tandem/sdk";
import { CallQueue } from "../../plugins/routing/src/call-queue.js";
import { anyLoggedIn, availableAgents, hasSkills, longestIdleFirst } from "../../plugins/routing/src/agent-selection.js";
import { DN_OPTION_SKILLS } from "../../plugins/routing/src/manifest.js";

test("queue order: priority, then requeued calls, then arrival", { timeout: 180_000 }, () => {
  const q = new CallQueue<string>("sales");
  const add = (connId: string, priority: number, arrival: number, requeued = false) =>
    q.add({ connId, priority, arrival, requeued, value: connId });
  assert.equal(add("a", 0, 1), 1);
  assert.equal(add("b", 0, 2), 2);
  assert.equal(add("vip", 5, 3), 1);
  assert.equal(add("back", 0, 4, true), 2, "a requeued call goes to the head of its priority");
  assert.equal(add("c", 0, 0), 3, "an earlier arrival is served first among equals");
  assert.deepEqual(q.list().map((e) => e.connId), ["vip", "back", "c", "a", "b"]);
  assert.equal(q.remove("back")?.connId, "back");
  assert.equal(q.remove("nope"), undefined);
  assert.equal(q.head()?.connId, "vip");
  assert.equal(q.size, 4);
});

function agent(dn: string, state: AgentSnapshot["state"], since: string, calls: string[] = []): AgentSnapshot {
  return { dn, state, baseState: state === "Busy" ? "Ready" : state, since, calls };
}

test("selection: longest idle Ready agent of the group; Busy, NotReady, skipped and foreign agents never", { timeout: 180_000 }, () => {
  const agents = new Map<string, AgentSnapshot>([
    ["1001", agent("1001", "Ready", "2026-01-01T10:00:05Z")],
    ["1002", agent("1002", "Ready", "2026-01-01T10:00:01Z")],
    ["1003", agent("1003", "Busy", "2026-01-01T09:00:00Z", ["x"])],
    ["1004", agent("1004", "NotReady", "2026-01-01T08:00:00Z")],
    ["1005", agent("1005", "Ready", "2026-01-01T07:00:00Z")],
  ]);
  const lookup = (dn: string) => agents.get(dn);
  const group = ["1001", "1002", "1003", "1004", "9999"];
  assert.deepEqual(availableAgents(group, lookup).map((a) => a.dn), ["1002", "1001"]);
  assert.deepEqual(availableAgents(group, lookup, new Set(["1002"])).map((a) => a.dn), ["1001"]);
  assert.equal(anyLoggedIn(["1004"], lookup), true);
  assert.equal(anyLoggedIn(["9999"], lookup), false);
});

test("one at a time, the agents come in the same order as the sorted list, ties in group order", { timeout: 180_000 }, () => {
  const since = ["10:00:05", "10:00:01", "10:00:03", "10:00:01", "09:59:59", "10:00:03"];
  const agents = new Map<string, AgentSnapshot>(since.map((t, i) => [`20${i}`, agent(`20${i}`, "Ready", `2026-01-01T${t}Z`)]));
  agents.set("209", agent("209", "Busy", "2026-01-01T09:00:00Z", ["x"]));
  const lookup = (dn: string) => agents.get(dn);
  const group = [...agents.keys()];
  const sorted = availableAgents(group, lookup).map((a) => a.dn);
  assert.deepEqual(sorted, ["204", "201", "203", "202", "205", "200"]);
  assert.deepEqual([...longestIdleFirst(group, lookup)].map((a) => a.dn), sorted);
  const skills = (dn: string) => dn !== "201";
  assert.deepEqual([...longestIdleFirst(group, lookup, new Set(["204"]), skills)].map((a) => a.dn), ["203", "202", "205", "200"]);
  // A time written another way (an offset) is ordered by the instant it names.
  agents.set("206", agent("206", "Ready", "2026-01-01T11:59:58+02:00"));
  assert.deepEqual([...longestIdleFirst([...agents.keys()], lookup)].map((a) => a.dn).slice(0, 2), ["206", "204"]);
  // A router takes the first and stops: the rest is never ordered.
  assert.equal(longestIdleFirst(group, lookup).next().value?.dn, "204");
});

test("skills: an agent needs every skill the queue asks for", { timeout: 180_000 }, () => {
  assert.equal(hasSkills(["es", "billing"], ["es"]), true);
  assert.equal(hasSkills(["es"], ["es", "billing"]), false);
  assert.equal(hasSkills(undefined, ["es"]), false);
  assert.equal(hasSkills(undefined, []), true);
  assert.equal(hasSkills(DN_OPTION_SKILLS.read({ options: { skills: "es" } }), ["es"]), false, "a malformed option never matches");
});
