/**
 * The HTTP variant (`POST /api/v1/plugins/desktop/requests`) through the SDK's `createTestHost`: the same
 * requests, answered with every message they produced, the error's HTTP status, and the same token scope.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestHost, type TestHost } from "@tandem/testing";
import desktopPlugin from "@tandem/plugin-desktop";
import { assertEventSchema, TOKEN_A } from "./support/desktop-harness.js";

const URL = "/api/v1/plugins/desktop/requests";
let host: TestHost;

before(async () => {
  host = await createTestHost({
    plugins: [desktopPlugin as never],
    config: {
      dns: [
        { number: "1001", type: "Extension" },
        { number: "1002", type: "Extension" },
      ],
      plugins: { desktop: { enabled: true, tokens: [{ name: "agent-a", token: TOKEN_A, dns: ["1001"] }] } },
    },
  });
});
after(() => host.close());

type Answer = { messages: Array<Record<string, unknown>> };

async function post(payload: unknown, token: string | null = TOKEN_A): Promise<{ status: number; messages: Answer["messages"] }> {
  const headers: Record<string, string> = { "content-type": "application/json", authorization: token === null ? "" : `Bearer ${token}` };
  const res = await host.inject({ method: "POST", url: URL, payload, headers });
  const body = res.json<Answer>();
  for (const m of body.messages) assertEventSchema(m);
  return { status: res.statusCode, messages: body.messages };
}

describe("desktop HTTP requests", { timeout: 300_000 }, () => {
  it("agent requests return the events they caused, with the referenceId", async () => {
    const login = await post({ request: "RequestAgentLogin", referenceId: "h1", dn: "1001" });
    assert.equal(login.status, 200);
    assert.deepEqual(login.messages.map((m) => [m["event"], m["referenceId"]]), [["EventAgentLogin", "h1"], ["EventAgentNotReady", "h1"]]);
    const ready = await post({ request: "RequestAgentReady", referenceId: "h2", dn: "1001" });
    assert.deepEqual(ready.messages.map((m) => m["event"]), ["EventAgentReady"]);
    assert.equal(host.dns.agent("1001")?.state, "Ready");
  });

  it("refusals carry the code and an HTTP status", async () => {
    host.dns.requestAgentState({ dn: "1001", request: "NotReady", source: "presence", reasonCode: "on-the-phone" });
    const blocked = await post({ request: "RequestAgentReady", referenceId: "h3", dn: "1001" });
    assert.equal(blocked.status, 409);
    assert.equal(blocked.messages[0]?.["code"], "TANDEM_ERR_AGENT_PRIORITY");
    const foreign = await post({ request: "RequestAgentLogin", referenceId: "h4", dn: "1002" });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.messages[0]?.["code"], "TANDEM_ERR_DESKTOP_DN_FORBIDDEN");
    assert.equal(host.dns.agent("1002")?.state, "LoggedOut");
    const answer = await post({ request: "RequestAnswerCall", referenceId: "h5", dn: "1001", connId: "c" });
    assert.equal(answer.messages[0]?.["code"], "TANDEM_ERR_DESKTOP_ANSWER_BY_PHONE");
    const invalid = await post({ request: "RequestAgentNotReady", referenceId: "h6" });
    assert.equal(invalid.status, 400);
    assert.match(String(invalid.messages[0]?.["message"]), /required property 'dn'/);
    // The server provides the call model's call control: holding a call that does not exist is a 404.
    const call = await post({ request: "RequestHoldCall", referenceId: "h7", dn: "1001", connId: "c" });
    assert.equal(call.status, 404);
    assert.equal(call.messages[0]?.["code"], "TANDEM_ERR_CALL_CONTROL_UNKNOWN_CALL");
  });

  it("a body that is not JSON gets the admin API's 400", async () => {
    const headers = { "content-type": "application/json", authorization: `Bearer ${TOKEN_A}` };
    const res = await host.inject({ method: "POST", url: URL, payload: "{bad", headers });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json<{ error: { code: string } }>().error.code, "TANDEM_ERR_API_BAD_REQUEST");
  });

  it("needs a desktop token (not the admin token)", async () => {
    const none = await post({ request: "RequestAgentLogin", referenceId: "h8", dn: "1001" }, null);
    assert.equal(none.status, 401);
    const admin = await post({ request: "RequestAgentLogin", referenceId: "h9", dn: "1001" }, host.adminToken);
    assert.equal(admin.status, 401);
    assert.equal(admin.messages[0]?.["code"], "TANDEM_ERR_DESKTOP_UNAUTHORIZED");
  });

  it("RequestRegisterAddress with after reads the DN's logged events since then (a poll)", async () => {
    const start = host.bus.lastSeq();
    host.dns.requestAgentState({ dn: "1001", request: "NotReady", source: "admin", reasonCode: "poll-1" });
    host.dns.requestAgentState({ dn: "1002", request: "Login", source: "admin" });
    const res = await post({ request: "RequestRegisterAddress", referenceId: "h10", dn: "1001", after: start });
    assert.deepEqual(res.messages.map((m) => m["event"]), ["EventRegistered", "EventAgentNotReady"]);
    assert.equal((res.messages[1]?.["data"] as Record<string, unknown>)["reasonCode"], "poll-1");
  });
});
