/**
 * The SDK's planRejoin, which the recording and supervision plugins' `rejoin` follow: which lent legs go back to
 * their own room party, which take the seat of a leg that is gone (on the same side: customer, or agents), which
 * join as new parties, and which seats are freed.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { planRejoin, type CallPartyLeg, type SipLeg } from "@tandem/sdk";

const party = (id: string, role: CallPartyLeg["role"], dn = id): CallPartyLeg => ({ dn, role, leg: { id } as SipLeg });
const seats = new Map<string, CallPartyLeg["role"]>([
  ["c1", "customer"],
  ["a1", "agent"],
]);

/** The plan as leg ids, for comparing. */
function ids(parties: readonly CallPartyLeg[]) {
  const plan = planRejoin(seats, parties);
  return {
    back: plan.back.map((p) => p.leg.id),
    seated: plan.seated.map((s) => `${s.from}→${s.leg.leg.id}`),
    joining: plan.joining.map((p) => p.leg.id),
    gone: [...plan.gone],
  };
}

test("after a hold or a reconnect the customer and the agent go back to their own parties", { timeout: 180_000 }, () => {
  assert.deepEqual(ids([party("c1", "customer"), party("a1", "agent")]), { back: ["c1", "a1"], seated: [], joining: [], gone: [] });
});

test("after a transfer the target takes the first agent's seat, whether an agent or an outside number", { timeout: 180_000 }, () => {
  assert.deepEqual(ids([party("c1", "customer"), party("t1", "agent")]), { back: ["c1"], seated: ["a1→t1"], joining: [], gone: [] });
  assert.deepEqual(ids([party("c1", "customer"), party("t1", "destination")]), { back: ["c1"], seated: ["a1→t1"], joining: [], gone: [] });
});

test("after a conference the target joins as a new party and nobody's seat is taken", { timeout: 180_000 }, () => {
  assert.deepEqual(ids([party("c1", "customer"), party("a1", "agent"), party("t1", "agent")]), { back: ["c1", "a1"], seated: [], joining: ["t1"], gone: [] });
});

test("a seat is handed on only on its own side; a seat nobody takes is freed", { timeout: 180_000 }, () => {
  assert.deepEqual(ids([party("c2", "customer"), party("a1", "agent")]), { back: ["a1"], seated: ["c1→c2"], joining: [], gone: [] });
  assert.deepEqual(ids([party("a1", "agent"), party("t1", "agent")]), { back: ["a1"], seated: [], joining: ["t1"], gone: ["c1"] });
  assert.deepEqual(ids([party("c1", "customer")]), { back: ["c1"], seated: [], joining: [], gone: ["a1"] });
});
