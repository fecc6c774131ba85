/** The routing plugin's index of Ready agents per queue: the same agents in the same order as a scan of the group. */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { AgentSnapshot } from "@tandem/sdk";
import { longestIdleFirst } from "../../plugins/routing/src/agent-selection.js";
import { ReadyAgentsIndex } from "../../plugins/routing/src/ready-agents-index.js";

/** Every agent the index offers, in its order: nobody is taken. */
function offered(index: ReadyAgentsIndex, queue: string, skip?: ReadonlySet<string>, eligible?: (dn: string) => boolean): string[] {
  const seen: string[] = [];
  index.first(queue, (a) => (seen.push(a.dn), false), skip, eligible);
  return seen;
}

function agent(dn: string, state: AgentSnapshot["state"], since: string, calls: string[] = []): AgentSnapshot {
  return { dn, state, baseState: state === "Busy" ? "Ready" : state, since, calls };
}

/** A deterministic sequence (a seeded LCG), so a failure names the round it happened in. */
function numbers(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

test("over many random changes, each announced by an event, the index offers what a scan of the group offers", { timeout: 180_000 }, () => {
  const next = numbers(19);
  const agents = new Map<string, AgentSnapshot>();
  const sales = Array.from({ length: 40 }, (_, i) => `30${String(i).padStart(2, "0")}`);
  const support = [...sales.slice(20), "3990", "3991"]; // agents in two groups
  const lookup = (dn: string) => agents.get(dn);
  const states: AgentSnapshot["state"][] = ["Ready", "Ready", "NotReady", "Busy", "LoggedOut"];
  const change = (dn: string, round: number): void => {
    const state = states[Math.floor(next() * states.length)] as AgentSnapshot["state"];
    const second = String(Math.floor(next() * 50)).padStart(2, "0"); // ties happen
    agents.set(dn, agent(dn, state, `2026-01-01T10:${String(round % 60).padStart(2, "0")}:${second}.000Z`, state === "Busy" ? ["c"] : []));
  };
  for (const dn of [...sales, "3990", "3991"]) change(dn, 0);
  const index = new ReadyAgentsIndex({ sales: { agents: sales }, support: { agents: support } }, lookup);
  for (let round = 1; round <= 300; round++) {
    for (let n = Math.floor(next() * 5); n > 0; n--) {
      const dn = sales[Math.floor(next() * sales.length)] as string;
      change(dn, round);
      index.touch(dn);
    }
    const skip = new Set([sales[Math.floor(next() * sales.length)] as string]);
    const eligible = (dn: string): boolean => !dn.endsWith("7");
    for (const [queue, group] of [["sales", sales], ["support", support]] as const) {
      const scan = [...longestIdleFirst(group, lookup, skip, eligible)].map((a) => a.dn);
      assert.deepEqual(offered(index, queue, skip, eligible), scan, `round ${round}, ${queue}`);
      // A router stops at the first it can reserve: what it looked at stays for the next call.
      assert.equal(index.first(queue, () => true, skip, eligible)?.dn, scan[0], `round ${round}, ${queue}, first`);
      const second = scan[1];
      if (second !== undefined) assert.equal(index.first(queue, (a) => a.dn === second, skip, eligible)?.dn, second);
    }
  }
});

test("an agent that stops being free is never offered, even before any event about it", { timeout: 180_000 }, () => {
  const agents = new Map<string, AgentSnapshot>([
    ["1001", agent("1001", "Ready", "2026-01-01T10:00:01.000Z")],
    ["1002", agent("1002", "Ready", "2026-01-01T10:00:05.000Z")],
  ]);
  const index = new ReadyAgentsIndex({ q: { agents: ["1001", "1002"] } }, (dn) => agents.get(dn));
  assert.equal(index.first("q", () => true)?.dn, "1001");
  agents.set("1001", agent("1001", "Busy", "2026-01-01T10:00:09.000Z", ["c"]));
  assert.deepEqual(offered(index, "q"), ["1002"]);
  // Back from the call: its EventReleased names it, and it now waits behind 1002 (idle since later).
  agents.set("1001", agent("1001", "Ready", "2026-01-01T10:00:10.000Z"));
  index.touch("1001");
  assert.deepEqual(offered(index, "q"), ["1002", "1001"]);
  assert.deepEqual(offered(index, "nope"), [], "a queue it does not know has nobody");
});

test("an agent that turns Ready with no event naming it is found once every agent is read again", { timeout: 180_000 }, () => {
  const agents = new Map<string, AgentSnapshot>([["1001", agent("1001", "NotReady", "2026-01-01T10:00:01.000Z")]]);
  const index = new ReadyAgentsIndex({ q: { agents: ["1001"] } }, (dn) => agents.get(dn));
  assert.equal(index.first("q", () => true), undefined);
  agents.set("1001", agent("1001", "Ready", "2026-01-01T10:00:02.000Z"));
  index.touch("9999"); // an event about a DN in no group changes nothing
  assert.equal(index.first("q", () => true), undefined);
  index.refreshAll(); // the router's watchdog tick
  assert.equal(index.first("q", () => true)?.dn, "1001");
});
