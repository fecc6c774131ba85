/**
 * The desktop WebSocket with a real client: registration, agent requests through the arbiter (events in
 * order with the referenceId), the priority rule, token scope, and bad input that leaves the connection up.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DesktopClient, startDesktopServer, TOKEN_A, TOKEN_AB, type DesktopServer } from "./support/desktop-harness.js";

let srv: DesktopServer;
before(async () => {
  srv = await startDesktopServer();
});
after(() => srv.close());

async function connect(token = TOKEN_A): Promise<DesktopClient> {
  const client = await DesktopClient.connect(srv.wsUrl, token);
  const hello = await client.next();
  assert.equal(hello.event, "EventServerConnected");
  return client;
}

describe("desktop WebSocket: agent requests", { timeout: 300_000 }, () => {
  it("registers a DN and answers agent requests with events carrying the referenceId, in order", async (t) => {
    const c = await connect();
    t.after(() => c.close());
    const reg = await c.request({ request: "RequestRegisterAddress", referenceId: "r1", dn: "1001" });
    assert.deepEqual(reg.map((m) => m.event), ["EventRegistered"]);
    assert.equal(reg[0]?.["dn"], "1001");

    c.send({ request: "RequestAgentLogin", referenceId: "r2", dn: "1001" });
    c.send({ request: "RequestAgentReady", referenceId: "r3", dn: "1001" });
    c.send({ request: "RequestAgentNotReady", referenceId: "r4", dn: "1001", reasonCode: "Lunch", workMode: "AuxWork" });
    c.send({ request: "RequestAgentNotReady", referenceId: "r5", dn: "1001", workMode: "AfterCallWork" });
    c.send({ request: "RequestAgentLogout", referenceId: "r6", dn: "1001" });
    const { match, before: seen } = await c.until((m) => m.event === "EventAgentLogout");
    const all = [...seen, match];
    assert.deepEqual(
      all.map((m) => [m.event, m["referenceId"]]),
      [
        ["EventAgentLogin", "r2"],
        ["EventAgentNotReady", "r2"],
        ["EventAgentReady", "r3"],
        ["EventAgentNotReady", "r4"],
        ["EventAgentNotReady", "r5"],
        ["EventAgentLogout", "r6"],
      ],
    );
    assert.ok(all.every((m) => m["dn"] === "1001" && m["source"] === "desktop"));
    const seqs = all.map((m) => m["seq"] as number);
    assert.deepEqual([...seqs].sort((a, b) => a - b), seqs, "seq increases");
    const aux = all.find((m) => m["referenceId"] === "r4");
    assert.equal((aux?.["data"] as Record<string, unknown>)["reasonCode"], "Lunch");
    assert.equal(srv.server.dns.agent("1001")?.state, "LoggedOut");
  });

  it("a request that changes nothing still gets an answer (EventACK with the state)", async (t) => {
    const c = await connect();
    t.after(() => c.close());
    await c.request({ request: "RequestRegisterAddress", referenceId: "a1", dn: "1001" });
    const out = await c.request({ request: "RequestAgentLogout", referenceId: "a2", dn: "1001" });
    assert.equal(out.at(-1)?.event, "EventACK");
    assert.equal((out.at(-1)?.["agent"] as Record<string, unknown>)["state"], "LoggedOut");
  });

  it("priority rule: NotReady held by presence blocks desktop Ready with the arbiter's code", async (t) => {
    const c = await connect();
    t.after(() => c.close());
    await c.request({ request: "RequestRegisterAddress", referenceId: "p1", dn: "1001" });
    await c.request({ request: "RequestAgentLogin", referenceId: "p2", dn: "1001" }, (m) => m.event === "EventAgentNotReady");
    srv.server.dns.requestAgentState({ dn: "1001", request: "NotReady", source: "presence", reasonCode: "on-the-phone" });
    const live = await c.next();
    assert.equal(live.event, "EventAgentNotReady");
    assert.equal(live["source"], "presence");
    const out = await c.request({ request: "RequestAgentReady", referenceId: "p3", dn: "1001" });
    assert.deepEqual(out.map((m) => m.event), ["EventError"]);
    assert.equal(out[0]?.["code"], "TANDEM_ERR_AGENT_PRIORITY");
    assert.notEqual(srv.server.dns.agent("1001")?.state, "Ready");
    srv.server.dns.requestAgentState({ dn: "1001", request: "Logout", source: "admin", force: true });
    await c.until((m) => m.event === "EventAgentLogout");
  });

  it("a token for agent A cannot register or control agent B's DN, and nothing happens", async (t) => {
    const c = await connect(TOKEN_A);
    t.after(() => c.close());
    const before = srv.server.bus.lastSeq();
    const reg = await c.request({ request: "RequestRegisterAddress", referenceId: "s1", dn: "1002" });
    assert.equal(reg[0]?.event, "EventError");
    assert.equal(reg[0]?.["code"], "TANDEM_ERR_DESKTOP_DN_FORBIDDEN");
    const attempts = [
      { request: "RequestAgentLogin" },
      { request: "RequestAgentReady" },
      { request: "RequestUnregisterAddress" },
      { request: "RequestHoldCall", connId: "x" },
      { request: "RequestMakeCall", destination: "1001" },
    ];
    for (const [i, attempt] of attempts.entries()) {
      const out = await c.request({ ...attempt, referenceId: `s${i + 2}`, dn: "1002" });
      assert.equal(out[0]?.["code"], "TANDEM_ERR_DESKTOP_DN_FORBIDDEN", attempt.request);
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(srv.server.bus.lastSeq(), before, "no event was emitted");
    assert.equal(srv.server.dns.agent("1002")?.state, "LoggedOut");
  });

  it("agent requests need the DN registered on the connection; unknown DNs are named", async (t) => {
    const c = await connect(TOKEN_AB);
    t.after(() => c.close());
    const out = await c.request({ request: "RequestAgentLogin", referenceId: "n1", dn: "1002" });
    assert.equal(out[0]?.["code"], "TANDEM_ERR_DESKTOP_NOT_REGISTERED");
    const unknown = await c.request({ request: "RequestRegisterAddress", referenceId: "n2", dn: "9999" });
    assert.equal(unknown[0]?.["code"], "TANDEM_ERR_DESKTOP_UNKNOWN_DN");
    const notAgent = await c.request({ request: "RequestRegisterAddress", referenceId: "n3", dn: "5000" });
    assert.equal(notAgent[0]?.event, "EventRegistered");
    const refused = await c.request({ request: "RequestAgentLogin", referenceId: "n4", dn: "5000" });
    assert.equal(refused[0]?.event, "EventError");
    assert.match(String(refused[0]?.["code"]), /^TANDEM_ERR_(REGISTRY|AGENT)_/);
    const unreg = await c.request({ request: "RequestUnregisterAddress", referenceId: "n5", dn: "5000" });
    assert.equal(unreg[0]?.event, "EventUnregistered");
    const again = await c.request({ request: "RequestUnregisterAddress", referenceId: "n6", dn: "5000" });
    assert.equal(again[0]?.["code"], "TANDEM_ERR_DESKTOP_NOT_REGISTERED");
  });

  it("malformed JSON, unknown requests and missing fields get an EventError naming the problem; the connection survives", async (t) => {
    const c = await connect();
    t.after(() => c.close());
    c.send("{not json");
    let m = await c.next();
    assert.equal(m["code"], "TANDEM_ERR_DESKTOP_BAD_JSON");
    c.send("[1,2]");
    m = await c.next();
    assert.equal(m["code"], "TANDEM_ERR_DESKTOP_REQUEST_INVALID");
    assert.match(String(m["message"]), /JSON object/);
    m = (await c.request({ request: "RequestFlyToMoon", referenceId: "u1" }))[0] as typeof m;
    assert.equal(m["code"], "TANDEM_ERR_DESKTOP_UNKNOWN_REQUEST");
    assert.match(String(m["message"]), /RequestFlyToMoon/);
    m = (await c.request({ request: "RequestAgentReady", referenceId: "u2" }))[0] as typeof m;
    assert.equal(m["code"], "TANDEM_ERR_DESKTOP_REQUEST_INVALID");
    assert.match(String(m["message"]), /required property 'dn'/);
    m = (await c.request({ request: "RequestHoldCall", referenceId: "u3", dn: "1001" }))[0] as typeof m;
    assert.match(String(m["message"]), /required property 'connId'/);
    m = (await c.request({ request: "RequestAgentNotReady", referenceId: "u4", dn: "1001", workMode: "Sleeping" }))[0] as typeof m;
    assert.match(String(m["message"]), /workMode/);
    m = (await c.request({ request: "RequestAgentReady", referenceId: "u5", dn: "1001", colour: "red" }))[0] as typeof m;
    assert.match(String(m["message"]), /unknown property 'colour'/);
    c.send({ request: "RequestAgentReady", dn: "1001" });
    m = await c.next();
    assert.match(String(m["message"]), /required property 'referenceId'/);
    c.send("x".repeat(70_000));
    m = await c.next();
    assert.equal(m["code"], "TANDEM_ERR_DESKTOP_MESSAGE_TOO_LARGE");
    const ok = await c.request({ request: "RequestRegisterAddress", referenceId: "u6", dn: "1001" });
    assert.equal(ok[0]?.event, "EventRegistered", "still answering after bad input");
    assert.equal(c.closeCode, undefined);
  });

  it("RequestAnswerCall is refused with a code saying the phone must answer; conference and supervision requests without their plugins are not implemented", async (t) => {
    const c = await connect();
    t.after(() => c.close());
    const answer = await c.request({ request: "RequestAnswerCall", referenceId: "x1", dn: "1001", connId: "c1" });
    assert.equal(answer[0]?.["code"], "TANDEM_ERR_DESKTOP_ANSWER_BY_PHONE");
    assert.match(String(answer[0]?.["message"]), /phone/);
    const conference = { connId: "c1", destination: "1002" };
    for (const request of ["RequestInitiateConference", "RequestMonitorNextCall", "RequestSetMuteOff"]) {
      const fields = request === "RequestInitiateConference" ? conference : request === "RequestMonitorNextCall" ? { otherDn: "1002" } : {};
      const out = await c.request({ request, referenceId: `x-${request}`, dn: "1001", ...fields });
      assert.equal(out[0]?.["code"], "TANDEM_ERR_DESKTOP_NOT_IMPLEMENTED", request);
      assert.match(String(out[0]?.["message"]), new RegExp(request));
    }
  });

  it("refuses a connection without a valid desktop token (the admin token is not one)", async () => {
    for (const token of [undefined, "admin-token-not-for-desktops", "wrong-token-0000000000"]) {
      const c = await DesktopClient.connect(srv.wsUrl, token);
      const m = await c.next();
      assert.equal(m["code"], "TANDEM_ERR_DESKTOP_UNAUTHORIZED");
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(c.closeCode, 1008);
    }
    const viaQuery = await DesktopClient.connect(srv.wsUrl, undefined, `?token=${TOKEN_A}`);
    assert.equal((await viaQuery.next()).event, "EventServerConnected");
    await viaQuery.close();
  });
});
