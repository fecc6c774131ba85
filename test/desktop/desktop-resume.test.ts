/**
 * Resume after reconnect: a client that comes back with the last `seq` it saw gets every event of its DNs
 * exactly once — the replay from the durable log, then the live feed — while events keep being emitted
 * during the reconnect.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DesktopClient, startDesktopServer, TOKEN_A, type DesktopServer, type Message } from "./support/desktop-harness.js";

let srv: DesktopServer;
before(async () => {
  srv = await startDesktopServer();
});
after(() => srv.close());

/** Emits an event on `dn` every few ms (NotReady with a changing reason, so each one is a change). */
function churn(dn: string): () => void {
  let i = 0;
  const timer = setInterval(() => {
    srv.server.dns.requestAgentState({ dn, request: "NotReady", source: "admin", reasonCode: `r${i++}` });
  }, 2);
  return () => clearInterval(timer);
}

const seqsOf = (messages: Message[], dn: string): number[] =>
  messages.filter((m) => typeof m["seq"] === "number" && m["dn"] === dn).map((m) => m["seq"] as number);

const logged = (dn: string): number[] => srv.server.bus.since(0, 100_000).filter((e) => e.dn === dn).map((e) => e.seq);

async function connect(query = ""): Promise<DesktopClient> {
  const c = await DesktopClient.connect(srv.wsUrl, TOKEN_A, query);
  assert.equal((await c.next()).event, "EventServerConnected");
  return c;
}

describe("desktop WebSocket: resume from the last seq", { timeout: 300_000 }, () => {
  it("delivers every event of the DN exactly once across a disconnect (connect parameter after)", async () => {
    srv.server.dns.requestAgentState({ dn: "1001", request: "Login", source: "admin" });
    srv.server.dns.requestAgentState({ dn: "1002", request: "Login", source: "admin" });
    const firstSeq = srv.server.bus.lastSeq();
    const stopA = churn("1001");
    const stopB = churn("1002");

    const first = await connect();
    await first.request({ request: "RequestRegisterAddress", referenceId: "a", dn: "1001", after: firstSeq });
    await new Promise((r) => setTimeout(r, 60));
    await first.close();
    const seen1 = seqsOf(first.received, "1001");
    assert.ok(seen1.length > 3, `events before the disconnect: ${seen1.length}`);
    const last = seen1.at(-1) as number;

    await new Promise((r) => setTimeout(r, 60)); // events the client misses while away
    const second = await connect(`?after=${last}`);
    await second.request({ request: "RequestRegisterAddress", referenceId: "b", dn: "1001" });
    await new Promise((r) => setTimeout(r, 60));
    stopA();
    stopB();
    await new Promise((r) => setTimeout(r, 20));
    await second.close();

    const seen2 = seqsOf(second.received, "1001");
    const expected = logged("1001").filter((s) => s > firstSeq);
    assert.deepEqual([...seen1, ...seen2], expected, "every event once, in order, no gap");
    assert.ok(seqsOf(second.received, "1002").length === 0, "no events of unregistered DNs");
    const registered = second.received.find((m) => m.event === "EventRegistered");
    assert.ok((registered?.["replayed"] as number) > 0, "some events came by replay");
  });

  it("RequestRegisterAddress with after replays, and re-registering does not duplicate live events", async (t) => {
    const start = srv.server.bus.lastSeq();
    for (const reason of ["x1", "x2", "x3"]) srv.server.dns.requestAgentState({ dn: "1001", request: "NotReady", source: "admin", reasonCode: reason });
    const c = await connect();
    t.after(() => c.close());
    const out = await c.request({ request: "RequestRegisterAddress", referenceId: "r", dn: "1001", after: start }, (m) => m.event === "EventRegistered");
    assert.equal(out.at(-1)?.["replayed"], 3);
    const replayed = [await c.next(), await c.next(), await c.next()];
    assert.deepEqual(replayed.map((m) => (m["data"] as Record<string, unknown>)["reasonCode"]), ["x1", "x2", "x3"]);
    srv.server.dns.requestAgentState({ dn: "1001", request: "NotReady", source: "admin", reasonCode: "x4" });
    const live = await c.next();
    assert.equal((live["data"] as Record<string, unknown>)["reasonCode"], "x4");
    // Registering again with the same `after` replays only what preceded the first registration.
    await c.request({ request: "RequestRegisterAddress", referenceId: "r2", dn: "1001", after: start }, (m) => m.event === "EventRegistered");
    const again = [await c.next(), await c.next(), await c.next()];
    assert.deepEqual(again.map((m) => m["seq"]), replayed.map((m) => m["seq"]));
    await c.expectSilence();
  });

  it("an after beyond the last seq is refused and registers nothing", async (t) => {
    const c = await connect();
    t.after(() => c.close());
    const future = srv.server.bus.lastSeq() + 1000;
    const out = await c.request({ request: "RequestRegisterAddress", referenceId: "f", dn: "1001", after: future });
    assert.equal(out[0]?.["code"], "TANDEM_ERR_DESKTOP_RESUME_INVALID");
    const login = await c.request({ request: "RequestAgentReady", referenceId: "f2", dn: "1001" });
    assert.equal(login[0]?.["code"], "TANDEM_ERR_DESKTOP_NOT_REGISTERED");
    const bad = await DesktopClient.connect(srv.wsUrl, TOKEN_A, "?after=abc");
    assert.equal((await bad.next())["code"], "TANDEM_ERR_DESKTOP_REQUEST_INVALID");
    await bad.close();
  });
});
