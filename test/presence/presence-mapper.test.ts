import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AgentSnapshot } from "@tandem/sdk";
import {
  INITIAL_VIEW,
  mapPresence,
  type PresenceInput,
  type PresenceView,
} from "../../plugins/presence/src/presence-mapper.js";

function agent(partial: Partial<AgentSnapshot> = {}): AgentSnapshot {
  const baseState = partial.baseState ?? "LoggedOut";
  return {
    dn: "1001",
    state: (partial.calls?.length ?? 0) > 0 ? "Busy" : baseState,
    baseState,
    since: "2026-01-01T00:00:00.000Z",
    calls: [],
    ...partial,
  };
}

const open = (...activities: string[]): PresenceInput => ({ kind: "presence", presence: { entity: undefined, basic: "open", activities } });
const closed = (...activities: string[]): PresenceInput => ({ kind: "presence", presence: { entity: undefined, basic: "closed", activities } });
const terminated: PresenceInput = { kind: "terminated", reason: "deactivated" };
const SEEN: PresenceView = { seenInDialog: true, basic: "open", activities: [], maskedByCall: false };

/** The planned requests as short strings: `Login`, `NotReady(on-the-phone)`. */
function plan(view: PresenceView, input: PresenceInput, snapshot: AgentSnapshot | undefined, reading: "busy" | "logout" = "busy"): string[] {
  return mapPresence(view, input, snapshot, reading).requests.map(
    (r) => `${r.request}${r.reasonCode ? `(${r.reasonCode})` : ""}${r.workMode ? `[${r.workMode}]` : ""}`,
  );
}

describe("mapPresence: the spec's rules", { timeout: 300_000 }, () => {
  it("first NOTIFY open → Login in AutoIn (the arbiter emits EventAgentLogin then EventAgentReady)", () => {
    assert.deepEqual(plan(INITIAL_VIEW, open(), agent()), ["Login[AutoIn]"]);
  });

  it("first NOTIFY open for an agent already Ready → nothing; already NotReady → Ready", () => {
    assert.deepEqual(plan(INITIAL_VIEW, open(), agent({ baseState: "Ready" })), []);
    assert.deepEqual(plan(INITIAL_VIEW, open(), agent({ baseState: "NotReady", setBy: "presence" })), ["Ready"]);
  });

  it("first NOTIFY open + on-the-phone (private call at start-up) → Login into NotReady(on-the-phone), held by presence", () => {
    assert.deepEqual(plan(INITIAL_VIEW, open("on-the-phone"), agent()), ["Login(on-the-phone)", "NotReady(on-the-phone)"]);
  });

  it("later open while logged out → Login (into Ready: no activity)", () => {
    assert.deepEqual(plan(SEEN, open(), agent()), ["Login[AutoIn]"]);
  });

  it("open, no activity, agent NotReady → Ready; agent Ready → nothing", () => {
    assert.deepEqual(plan(SEEN, open(), agent({ baseState: "NotReady", reasonCode: "on-the-phone", setBy: "presence" })), ["Ready"]);
    assert.deepEqual(plan(SEEN, open(), agent({ baseState: "Ready" })), []);
  });

  it("open, no activity, agent NotReady by the desktop → Ready is still asked (the arbiter refuses it)", () => {
    assert.deepEqual(plan(SEEN, open(), agent({ baseState: "NotReady", setBy: "desktop", reasonCode: "break" })), ["Ready"]);
  });

  it("never asks Ready out of AfterCallWork (the call model owns it)", () => {
    assert.deepEqual(plan(SEEN, open(), agent({ baseState: "NotReady", workMode: "AfterCallWork", setBy: "calls" })), []);
  });

  it("an activity while Ready → NotReady with the activity as reasonCode", () => {
    assert.deepEqual(plan(SEEN, open("on-the-phone"), agent({ baseState: "Ready" })), ["NotReady(on-the-phone)"]);
    assert.deepEqual(plan(SEEN, open("alerting"), agent({ baseState: "Ready" })), ["NotReady(alerting)"]);
  });

  it("an activity while NotReady by someone else → nothing", () => {
    assert.deepEqual(plan(SEEN, open("on-the-phone"), agent({ baseState: "NotReady", setBy: "desktop", reasonCode: "break" })), []);
  });

  it("a new activity while in presence's own NotReady updates the reason; the same activity does nothing", () => {
    const ours = agent({ baseState: "NotReady", setBy: "presence", reasonCode: "alerting" });
    assert.deepEqual(plan(SEEN, open("on-the-phone"), ours), ["NotReady(on-the-phone)"]);
    assert.deepEqual(plan(SEEN, open("alerting"), ours), []);
  });

  it("`unknown` is no activity", () => {
    assert.deepEqual(plan(SEEN, open("unknown"), agent({ baseState: "NotReady", setBy: "presence" })), ["Ready"]);
  });

  it("closed → Logout when logged in; nothing when logged out", () => {
    assert.deepEqual(plan(SEEN, closed(), agent({ baseState: "Ready" })), ["Logout"]);
    assert.deepEqual(plan(SEEN, closed(), agent({ baseState: "NotReady" })), ["Logout"]);
    assert.deepEqual(plan(SEEN, closed(), agent()), []);
    assert.deepEqual(plan(INITIAL_VIEW, closed(), agent({ baseState: "Ready" })), ["Logout"]);
  });

  it("closed + on-the-phone, default reading busy → NotReady(on-the-phone), not Logout", () => {
    assert.deepEqual(plan(SEEN, closed("on-the-phone"), agent({ baseState: "Ready" })), ["NotReady(on-the-phone)"]);
    assert.deepEqual(plan(SEEN, closed("on-the-phone"), agent()), ["Login(on-the-phone)", "NotReady(on-the-phone)"]);
  });

  it("closed + on-the-phone with the DN reading logout → Logout", () => {
    assert.deepEqual(plan(SEEN, closed("on-the-phone"), agent({ baseState: "Ready" }), "logout"), ["Logout"]);
  });

  it("closed with another activity is a plain closed", () => {
    assert.deepEqual(plan(SEEN, closed("busy"), agent({ baseState: "Ready" })), ["Logout"]);
  });

  it("terminated because the phone is gone or refused (RFC 6665 §4.1.3) → Logout when logged in; the view starts over", () => {
    for (const reason of ["noresource", "rejected", "invariant"]) {
      const result = mapPresence(SEEN, { kind: "terminated", reason }, agent({ baseState: "Ready" }), "busy");
      assert.deepEqual(result.requests.map((r) => r.request), ["Logout"], reason);
      assert.deepEqual(result.view, INITIAL_VIEW);
      assert.deepEqual(plan(SEEN, { kind: "terminated", reason }, agent()), [], `${reason}, logged out already`);
    }
  });

  it("terminated for any other reason (the dialog ends, not the phone) → no request: the new subscription decides", () => {
    for (const reason of ["timeout", "deactivated", "probation", "giveup", "something-new", undefined]) {
      const input: PresenceInput = reason === undefined ? { kind: "terminated" } : { kind: "terminated", reason };
      const result = mapPresence(SEEN, input, agent({ baseState: "Ready" }), "busy");
      assert.deepEqual(result.requests, [], String(reason));
      assert.deepEqual(result.view, INITIAL_VIEW, "the next NOTIFY is the first of a new dialog");
    }
  });

  it("a DN without agent state plans nothing", () => {
    assert.deepEqual(plan(INITIAL_VIEW, open(), undefined), []);
    assert.deepEqual(plan(SEEN, terminated, undefined), []);
  });
});

describe("mapPresence: private calls vs calls Tandem delivered", { timeout: 300_000 }, () => {
  const onTandemCall = agent({ baseState: "Ready", calls: ["conn-1"] });

  it("on-the-phone during a Tandem call → no NotReady (the agent stays Busy on it)", () => {
    const result = mapPresence(SEEN, open("on-the-phone"), onTandemCall, "busy");
    assert.deepEqual(result.requests, []);
    assert.equal(result.view.maskedByCall, true);
  });

  it("closed + on-the-phone during a Tandem call → nothing, even with the logout reading", () => {
    assert.deepEqual(plan(SEEN, closed("on-the-phone"), onTandemCall, "logout"), []);
  });

  it("the release NOTIFY of a Tandem call does not make the agent Ready on its own", () => {
    const masked = mapPresence(SEEN, open("on-the-phone"), onTandemCall, "busy").view;
    // Call ended, agent left in NotReady by the call model's after-call policy:
    const after = agent({ baseState: "NotReady", setBy: "calls", reasonCode: "wrap" });
    const release = mapPresence(masked, open(), after, "busy");
    assert.deepEqual(release.requests, []);
    assert.equal(release.view.maskedByCall, false);
    // The next idle NOTIFY is an ordinary one again.
    assert.deepEqual(plan(release.view, open(), after), ["Ready"]);
  });

  it("on-the-phone still reported after our call ended stays masked", () => {
    const masked = mapPresence(SEEN, open("on-the-phone"), onTandemCall, "busy").view;
    const result = mapPresence(masked, open("on-the-phone"), agent({ baseState: "Ready" }), "busy");
    assert.deepEqual(result.requests, []);
    assert.equal(result.view.maskedByCall, true);
  });

  it("a private call after our call (idle in between) is a private call again", () => {
    const masked = mapPresence(SEEN, open("on-the-phone"), onTandemCall, "busy").view;
    const idle = mapPresence(masked, open(), agent({ baseState: "Ready" }), "busy").view;
    assert.deepEqual(plan(idle, open("on-the-phone"), agent({ baseState: "Ready" })), ["NotReady(on-the-phone)"]);
  });

  it("closed during a Tandem call still logs out (the phone is gone)", () => {
    assert.deepEqual(plan(SEEN, closed(), onTandemCall), ["Logout"]);
  });

  it("open while logged out during a Tandem call → Login into Ready (the call's activity is ours)", () => {
    assert.deepEqual(plan(SEEN, open("on-the-phone"), agent({ calls: ["c"] })), ["Login[AutoIn]"]);
  });

  it("no activity during a Tandem call → nothing", () => {
    assert.deepEqual(plan(SEEN, open(), agent({ baseState: "NotReady", calls: ["c"], setBy: "presence" })), []);
  });
});

describe("mapPresence: a private call end to end", { timeout: 300_000 }, () => {
  it("open → on-the-phone → open → closed → terminated", () => {
    let view = INITIAL_VIEW;
    let snapshot = agent();
    const step = (input: PresenceInput, next: Partial<AgentSnapshot>): string[] => {
      const result = mapPresence(view, input, snapshot, "busy");
      view = result.view;
      snapshot = agent({ ...next });
      return result.requests.map((r) => r.request);
    };
    assert.deepEqual(step(open(), { baseState: "Ready", setBy: "presence" }), ["Login"]);
    assert.deepEqual(step(open("on-the-phone"), { baseState: "NotReady", reasonCode: "on-the-phone", setBy: "presence" }), ["NotReady"]);
    assert.deepEqual(step(open(), { baseState: "Ready", setBy: "presence" }), ["Ready"]);
    assert.deepEqual(step(closed(), { baseState: "LoggedOut", setBy: "presence" }), ["Logout"]);
    assert.deepEqual(step(terminated, { baseState: "LoggedOut" }), []);
  });
});
