/** The pure arbiter: the spec's priority rule in both orders, same-source changes, Logout/Login, ACW, force, Busy. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  afterCallWork,
  attach,
  decide,
  detach,
  initialAgentState,
  toSnapshot,
  type AgentState,
  type ArbiterRequest,
} from "../../core/src/registry/agent-arbiter.js";

const T0 = "2026-01-01T00:00:00.000Z";
let clock = 0;
const now = () => new Date(Date.parse(T0) + ++clock * 1000).toISOString();

/** Applies requests in order; asserts each is applied; returns the final state. */
function run(state: AgentState, ...requests: ArbiterRequest[]): AgentState {
  for (const req of requests) {
    const out = decide(state, req, now());
    assert.equal(out.code, undefined, `${req.request} from ${req.source} should apply: ${out.message}`);
    state = out.state;
  }
  return state;
}

const login = (source: string, extra: Partial<ArbiterRequest> = {}): ArbiterRequest => ({ request: "Login", source, ...extra });
const logout = (source: string): ArbiterRequest => ({ request: "Logout", source });
const ready = (source: string, extra: Partial<ArbiterRequest> = {}): ArbiterRequest => ({ request: "Ready", source, ...extra });
const notReady = (source: string, reasonCode?: string): ArbiterRequest => ({ request: "NotReady", source, ...(reasonCode ? { reasonCode } : {}) });

const fresh = () => initialAgentState("1001", T0);
const loggedIn = () => run(fresh(), login("desktop"));

describe("agent arbiter", { timeout: 300_000 }, () => {
  it("Login goes to NotReady (or Ready with AutoIn) and emits Login then the state event", () => {
    const out = decide(fresh(), login("desktop"), now());
    assert.deepEqual(out.events.map((e) => e.name), ["EventAgentLogin", "EventAgentNotReady"]);
    assert.equal(out.state.base, "NotReady");
    const auto = decide(fresh(), login("presence", { workMode: "AutoIn" }), now());
    assert.deepEqual(auto.events.map((e) => e.name), ["EventAgentLogin", "EventAgentReady"]);
    assert.equal(auto.state.base, "Ready");
    assert.equal(auto.state.workMode, "AutoIn");
  });

  it("presence NotReady then desktop Ready is refused", () => {
    const s = run(loggedIn(), ready("desktop"), notReady("presence", "OnPhone"));
    const out = decide(s, ready("desktop"), now());
    assert.equal(out.code, "TANDEM_ERR_AGENT_PRIORITY");
    assert.equal(out.applied, false);
    assert.equal(out.events.length, 0);
    assert.equal(toSnapshot(out.state).state, "NotReady");
    assert.equal(out.state.reasonCode, "OnPhone");
    assert.match(out.message ?? "", /presence/);
  });

  it("desktop NotReady then presence Ready is refused", () => {
    const s = run(loggedIn(), notReady("desktop", "Lunch"));
    const out = decide(s, ready("presence"), now());
    assert.equal(out.code, "TANDEM_ERR_AGENT_PRIORITY");
    assert.equal(out.state.base, "NotReady");
    assert.equal(out.state.reasonCode, "Lunch");
  });

  it("the same source may undo its own NotReady", () => {
    const s = run(loggedIn(), notReady("desktop", "Lunch"));
    const out = decide(s, ready("desktop"), now());
    assert.equal(out.code, undefined);
    assert.deepEqual(out.events.map((e) => e.name), ["EventAgentReady"]);
    assert.equal(out.state.base, "Ready");
    assert.equal(out.state.reasonCode, undefined);
    assert.deepEqual(out.state.blocks, {});
  });

  it("a refused Ready changes nothing: the refused desktop still holds its NotReady", () => {
    const s = run(loggedIn(), notReady("presence", "OnPhone"), notReady("desktop", "Lunch"));
    const refused = decide(s, ready("desktop"), now());
    assert.equal(refused.code, "TANDEM_ERR_AGENT_PRIORITY");
    assert.equal(refused.applied, false);
    assert.deepEqual(refused.events, []);
    assert.equal(refused.state, s, "the very same state");
    // The phone goes idle: presence withdraws its own NotReady; the desktop's Lunch is still what holds the agent.
    const idle = decide(refused.state, ready("presence", { withdrawOwnNotReady: true }), now());
    assert.equal(idle.code, "TANDEM_ERR_AGENT_PRIORITY");
    assert.deepEqual(Object.keys(idle.state.blocks), ["desktop"]);
    assert.deepEqual([idle.state.base, idle.state.reasonCode, idle.state.setBy], ["NotReady", "Lunch", "desktop"]);
    assert.deepEqual(idle.events, [], "Lunch was already the NotReady in effect");
    assert.equal(idle.applied, true, "a block went");
    assert.equal(run(idle.state, ready("desktop")).base, "Ready");
  });

  it("a Ready without withdrawOwnNotReady that is refused keeps the requester's own block too", () => {
    const s = run(loggedIn(), notReady("desktop", "Lunch"), notReady("presence", "OnPhone"));
    const refused = decide(s, ready("presence"), now());
    assert.equal(refused.code, "TANDEM_ERR_AGENT_PRIORITY");
    assert.equal(refused.state, s);
  });

  it("withdrawing the NotReady in effect shows the NotReady another source still holds", () => {
    const s = run(loggedIn(), notReady("desktop", "Lunch"), notReady("presence", "OnPhone"));
    const out = decide(s, ready("presence", { withdrawOwnNotReady: true }), now());
    assert.equal(out.code, "TANDEM_ERR_AGENT_PRIORITY");
    assert.deepEqual([out.state.base, out.state.reasonCode, out.state.setBy], ["NotReady", "Lunch", "desktop"]);
    assert.deepEqual(out.events.map((e) => [e.name, e.data.reasonCode]), [["EventAgentNotReady", "Lunch"]]);
    assert.deepEqual(Object.keys(out.state.blocks), ["desktop"]);
  });

  it("withdrawOwnNotReady without a block of one's own is a plain refusal", () => {
    const s = run(loggedIn(), notReady("desktop", "Lunch"));
    const out = decide(s, ready("presence", { withdrawOwnNotReady: true }), now());
    assert.equal(out.code, "TANDEM_ERR_AGENT_PRIORITY");
    assert.equal(out.applied, false);
    assert.equal(out.state, s);
  });

  it("withdrawOwnNotReady with nobody else holding a NotReady is an ordinary Ready", () => {
    const s = run(loggedIn(), notReady("presence", "OnPhone"));
    const out = decide(s, ready("presence", { withdrawOwnNotReady: true }), now());
    assert.equal(out.code, undefined);
    assert.equal(out.state.base, "Ready");
  });

  it("NotReady always applies, whoever holds what", () => {
    const s = run(loggedIn(), notReady("presence", "OnPhone"));
    const out = decide(s, notReady("desktop", "Break"), now());
    assert.equal(out.code, undefined);
    assert.equal(out.state.reasonCode, "Break");
    assert.deepEqual(out.events.map((e) => e.name), ["EventAgentNotReady"]);
    assert.equal(out.events[0]?.data.reasonCode, "Break");
  });

  it("presence Logout then desktop Login is refused; presence Login clears it", () => {
    const s = run(loggedIn(), logout("presence"));
    assert.equal(s.base, "LoggedOut");
    const refused = decide(s, login("desktop"), now());
    assert.equal(refused.code, "TANDEM_ERR_AGENT_PRIORITY");
    assert.equal(refused.state.base, "LoggedOut");
    const ok = run(s, login("presence"));
    assert.equal(ok.base, "NotReady");
  });

  it("desktop Logout then presence Login is refused; the desktop may log in again", () => {
    const s = run(loggedIn(), logout("desktop"));
    assert.equal(decide(s, login("presence"), now()).code, "TANDEM_ERR_AGENT_PRIORITY");
    assert.equal(run(s, login("desktop")).base, "NotReady");
  });

  it("Logout clears every other block", () => {
    const s = run(loggedIn(), notReady("presence", "OnPhone"), logout("desktop"));
    assert.deepEqual(Object.keys(s.blocks), ["desktop"]);
    const again = run(s, login("desktop"), ready("desktop"));
    assert.equal(again.base, "Ready", "presence's NotReady died with the logout");
  });

  it("Ready and NotReady need a logged-in agent", () => {
    assert.equal(decide(fresh(), ready("desktop"), now()).code, "TANDEM_ERR_AGENT_NOT_LOGGED_IN");
    assert.equal(decide(fresh(), notReady("desktop"), now()).code, "TANDEM_ERR_AGENT_NOT_LOGGED_IN");
  });

  it("after-call work from the call model is cleared by any Ready", () => {
    const s = run(loggedIn(), ready("desktop"));
    const acw = afterCallWork(s, "call", "Wrapup", now());
    assert.equal(acw.state.base, "NotReady");
    assert.equal(acw.state.workMode, "AfterCallWork");
    assert.deepEqual(acw.events.map((e) => e.name), ["EventAgentNotReady"]);
    const out = decide(acw.state, ready("presence"), now());
    assert.equal(out.code, undefined);
    assert.equal(out.state.base, "Ready");
  });

  it("a desktop's own AfterCallWork NotReady is a normal block", () => {
    const s = run(loggedIn(), { request: "NotReady", source: "desktop", workMode: "AfterCallWork" });
    assert.equal(decide(s, ready("presence"), now()).code, "TANDEM_ERR_AGENT_PRIORITY");
  });

  it("force clears every block", () => {
    const s = run(loggedIn(), notReady("presence", "OnPhone"), notReady("desktop", "Break"));
    const out = decide(s, ready("admin", { force: true }), now());
    assert.equal(out.code, undefined);
    assert.equal(out.state.base, "Ready");
    assert.deepEqual(out.state.blocks, {});
    const lo = run(run(loggedIn(), logout("presence")), login("admin", { force: true }));
    assert.equal(lo.base, "NotReady");
  });

  it("repeating the current state changes nothing and emits nothing", () => {
    const s = run(loggedIn(), ready("desktop"));
    const out = decide(s, ready("desktop"), now());
    assert.equal(out.applied, false);
    assert.equal(out.events.length, 0);
    assert.equal(decide(s, login("desktop"), now()).events.length, 0);
  });

  it("Busy is orthogonal: requests while on a call change the base state; since moves with the visible state", () => {
    let s = run(loggedIn(), ready("desktop"));
    const sinceReady = s.since;
    s = attach(s, "conn-1", "2026-02-01T00:00:00.000Z");
    assert.equal(toSnapshot(s).state, "Busy");
    assert.equal(s.since, "2026-02-01T00:00:00.000Z");
    assert.notEqual(s.since, sinceReady);
    assert.equal(attach(s, "conn-1", now()), s, "attach is idempotent");
    s = run(s, notReady("desktop", "Break"));
    assert.equal(toSnapshot(s).state, "Busy");
    assert.equal(toSnapshot(s).baseState, "NotReady");
    assert.equal(s.since, "2026-02-01T00:00:00.000Z", "visible state still Busy");
    s = detach(s, "conn-1", "2026-02-01T00:05:00.000Z");
    assert.equal(toSnapshot(s).state, "NotReady");
    assert.equal(s.since, "2026-02-01T00:05:00.000Z");
  });

  it("events carry reasonCode, workMode and the previous state", () => {
    const out = decide(loggedIn(), { request: "NotReady", source: "desktop", reasonCode: "Lunch", workMode: "AuxWork" }, now());
    assert.deepEqual(out.events[0]?.data, {
      state: "NotReady",
      baseState: "NotReady",
      previousState: "NotReady",
      reasonCode: "Lunch",
      workMode: "AuxWork",
    });
  });
});

describe("agent arbiter: releasableBy (ring-no-answer)", { timeout: 300_000 }, () => {
  const rona: ArbiterRequest = { request: "NotReady", source: "calls", reasonCode: "ring-no-answer", releasableBy: ["desktop", "admin"] };

  it("a NotReady the call model set after ring-no-answer is lifted by the desktop's Ready", () => {
    const held = run(run(loggedIn(), ready("desktop")), rona);
    const out = decide(held, ready("desktop"), now());
    assert.equal(out.code, undefined);
    assert.equal(out.state.base, "Ready");
    assert.deepEqual(out.events.map((e) => e.name), ["EventAgentReady"]);
  });

  it("but not by a source it does not name (an absent agent is not put back in rotation)", () => {
    const held = run(run(run(fresh(), login("presence")), ready("presence")), rona);
    const out = decide(held, ready("presence"), now());
    assert.equal(out.code, "TANDEM_ERR_AGENT_PRIORITY");
    assert.equal(out.state.base, "NotReady");
    assert.ok(out.state.blocks.calls, "the call model's hold is kept");
  });
});
