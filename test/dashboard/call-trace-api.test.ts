/**
 * `GET /api/v1/calls/{connId}/trace` on a real Tandem: a customer call that gives up in the queue (sipp as the
 * PBX) comes back with its leg, every SIP message of it as it crossed the wire, and its events; bodies are left
 * out when `sipTrace.includeBodies` is false; nothing is traced when the trace is off; an unknown ConnID is a
 * coded 404.
 */
import assert from "node:assert/strict";
import { after, describe, it, type TestContext } from "node:test";
import { customerCall } from "../support/sipp-peers.js";
import { killAllSipp } from "../support/sipp.js";
import { ADMIN_TOKEN, startDashboardServer, type DashboardServer } from "./support/dashboard-server.js";

interface Trace {
  traceEnabled: boolean;
  call: { state: string; outcome?: string; ani?: string };
  legs: Array<{ role: string; sipCallId: string }>;
  messages: Array<{ direction: string; label: string; method: string; text: string; sipCallId: string; peer: string }>;
  events: Array<{ name: string; connId?: string }>;
}

async function api<T>(d: DashboardServer, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${d.base}/api/v1${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return { status: response.status, body: (await response.json()) as T };
}

/** A customer call to Routing Point 5000 (no agent is logged in, so it waits) that cancels after 300 ms. */
async function abandonedCall(t: TestContext, sipTrace: Record<string, unknown>): Promise<{ d: DashboardServer; trace: Trace }> {
  const d = await startDashboardServer(t, sipTrace);
  const result = await customerCall(d.sipPort, "calls-customer-cancel.xml", "5000", { durationMs: 300, timeoutS: 30 });
  assert.equal(result.successful, 1, `customer call failed:\n${result.errors}`);
  const history = await api<{ calls: Array<{ connId: string; outcome?: string }> }>(d, "/calls/history");
  const connId = history.body.calls[0]?.connId ?? "";
  const { status, body } = await api<Trace>(d, `/calls/${encodeURIComponent(connId)}/trace`);
  assert.equal(status, 200);
  return { d, trace: body };
}

describe("call trace API", { timeout: 300_000 }, () => {
  after(() => killAllSipp());

  it("returns the call's leg, its SIP messages in order without bodies, and its events", async (t) => {
    const { trace } = await abandonedCall(t, { includeBodies: false });
    assert.equal(trace.traceEnabled, true);
    assert.deepEqual([trace.call.state, trace.call.outcome, trace.call.ani], ["Abandoned", "abandoned", "5551234"]);
    assert.deepEqual(trace.legs.map((l) => l.role), ["customer"]);
    const flow = trace.messages.map((m) => `${m.direction} ${m.label}`);
    const expected = ["in INVITE", "out 180 Ringing", "in CANCEL", "out 200 OK", "out 487 Request Terminated", "in ACK"];
    assert.deepEqual(flow.filter((f) => !f.endsWith("100 Trying")), expected, flow.join(", "));
    for (const m of trace.messages) {
      assert.equal(m.sipCallId, trace.legs[0]?.sipCallId);
      assert.match(m.peer, /^udp:127\.0\.0\.1:\d+$/);
      assert.ok(m.text.endsWith("\r\n\r\n"), `headers only: ${m.text}`);
      assert.doesNotMatch(m.text, /v=0/);
    }
    const names = trace.events.map((e) => e.name);
    assert.equal(names[0], "EventRouteRequest");
    assert.ok(names.includes("EventAbandoned"), names.join(", "));
  });

  it("keeps no messages when the trace is off, but still gives the timeline", async (t) => {
    const { trace } = await abandonedCall(t, { enabled: false });
    assert.equal(trace.traceEnabled, false);
    assert.deepEqual(trace.messages, []);
    assert.ok(trace.events.some((e) => e.name === "EventAbandoned"));
  });

  it("answers 404 TANDEM_ERR_TRACE_UNKNOWN_CALL for a ConnID it never saw", async (t) => {
    const d = await startDashboardServer(t);
    const { status, body } = await api<{ error: { code: string } }>(d, "/calls/no-such-call/trace");
    assert.deepEqual([status, body.error.code], [404, "TANDEM_ERR_TRACE_UNKNOWN_CALL"]);
    const openapi = (await (await fetch(`${d.base}/docs/json`)).json()) as { paths: Record<string, { get?: { summary?: string } }> };
    assert.match(openapi.paths["/api/v1/calls/{connId}/trace"]?.get?.summary ?? "", /SIP messages/, "documented in OpenAPI");
    assert.equal(Object.keys(openapi.paths).filter((p) => p.startsWith("/ui")).length, 0, "the dashboard's files are not API routes");
  });
});
