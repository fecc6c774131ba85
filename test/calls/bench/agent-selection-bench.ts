/**
 * µs per agent selection in the routing plugin: the scan of the queue's group (`longestIdleFirst`, a registry
 * snapshot copy per agent) against the index of Ready agents (`ReadyAgentsIndex`), for groups of 10 and 500 agents.
 * Each selection takes the longest idle Ready agent, which turns Busy; once a quarter of the group is Busy the
 * longest-busy agent comes back Ready (an event names each change, as the bus does for the router).
 *
 *   npm run bench:agent-selection -- [selections=200000]
 */
import { performance } from "node:perf_hooks";
import type { AgentSnapshot } from "@tandem/sdk";
import { longestIdleFirst } from "../../../plugins/routing/src/agent-selection.js";
import { ReadyAgentsIndex } from "../../../plugins/routing/src/ready-agents-index.js";

const SELECTIONS = Number(process.argv[2] ?? 200_000);

interface Way {
  name: string;
  select(group: readonly string[], lookup: (dn: string) => AgentSnapshot | undefined): AgentSnapshot | undefined;
  touch(dn: string): void;
}

function run(size: number, makeWay: (group: readonly string[], lookup: (dn: string) => AgentSnapshot | undefined) => Way): number {
  const states = new Map<string, AgentSnapshot>();
  const group = Array.from({ length: size }, (_, i) => `${5000 + i}`);
  let clock = Date.parse("2026-01-01T00:00:00Z");
  const stamp = (): string => new Date((clock += 7)).toISOString();
  for (const dn of group) states.set(dn, { dn, state: "Ready", baseState: "Ready", since: stamp(), calls: [] });
  // As the registry hands them out: a copy per read.
  const lookup = (dn: string): AgentSnapshot | undefined => {
    const s = states.get(dn);
    return s && { ...s, calls: [...s.calls] };
  };
  const way = makeWay(group, lookup);
  const busy: string[] = [];
  const maxBusy = Math.max(1, Math.floor(size / 4));
  let spent = 0;
  for (let i = 0; i < SELECTIONS; i++) {
    const start = performance.now();
    const chosen = way.select(group, lookup);
    spent += performance.now() - start;
    if (!chosen) throw new Error(`${way.name}: nobody Ready at selection ${i}`);
    states.set(chosen.dn, { dn: chosen.dn, state: "Busy", baseState: "Ready", since: stamp(), calls: ["c"] });
    way.touch(chosen.dn);
    busy.push(chosen.dn);
    if (busy.length >= maxBusy) {
      const back = busy.shift() as string;
      states.set(back, { dn: back, state: "Ready", baseState: "Ready", since: stamp(), calls: [] });
      way.touch(back);
    }
  }
  return (spent * 1000) / SELECTIONS;
}

const scan = (): Way => ({
  name: "scan",
  select: (group, lookup) => longestIdleFirst(group, lookup).next().value ?? undefined,
  touch: () => undefined,
});

const indexed = (group: readonly string[], lookup: (dn: string) => AgentSnapshot | undefined): Way => {
  const index = new ReadyAgentsIndex({ q: { agents: group } }, lookup);
  return { name: "index", select: () => index.first("q", () => true), touch: (dn) => index.touch(dn) };
};

console.log(`agent selection, ${SELECTIONS} selections per figure (µs per selection; reading the agents events named is counted, noting their DNs is not):`);
for (const size of [10, 500]) {
  // Twice each, the first as warm-up for the JIT.
  run(size, scan);
  run(size, indexed);
  console.log(`  ${size} agents: scan ${run(size, scan).toFixed(2)} µs, index ${run(size, indexed).toFixed(2)} µs`);
}
