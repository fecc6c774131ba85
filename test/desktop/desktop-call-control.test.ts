/**
 * Call requests: validated (schema, DN scope, registration) before they reach the call model; dispatched to
 * the `core.call-control` implementation; its events reach the desktop with the referenceId; a coded
 * rejection becomes EventError with that code; without a provider, TANDEM_ERR_DESKTOP_CALL_CONTROL_UNAVAILABLE.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CALL_CONTROL,
  DEFAULT_CALL_CONTROL,
  defineError,
  definePlugin,
  type CallControl,
  type CallControlResult,
  type EventBus,
} from "@tandem/sdk";
import { DesktopClient, startDesktopServer, TOKEN_A, type DesktopServer } from "./support/desktop-harness.js";

const unknownCall = defineError("TANDEM_ERR_TESTCALL_UNKNOWN", "no call %s");

/** A stand-in call model: records each call, emits one event per request, refuses ConnID `gone`, never answers `hang`. */
function fakeCallControl(bus: () => EventBus, calls: Array<[string, Record<string, unknown>]>): CallControl {
  const verb =
    (name: string, event: `Event${string}`) =>
    async (request: { dn: string; referenceId: string; connId?: string }): Promise<CallControlResult> => {
      calls.push([name, request as unknown as Record<string, unknown>]);
      if (request.connId === "gone") throw unknownCall("gone");
      if (request.connId === "hang") return new Promise<never>(() => undefined);
      const connId = request.connId ?? "conn-new";
      bus().emit(event, { dn: request.dn, connId, source: "desktop", referenceId: request.referenceId, data: {} });
      return { connId };
    };
  return {
    makeCall: verb("makeCall", "EventDialing"),
    releaseCall: verb("releaseCall", "EventReleased"),
    holdCall: verb("holdCall", "EventHeld"),
    retrieveCall: verb("retrieveCall", "EventRetrieved"),
    singleStepTransfer: verb("singleStepTransfer", "EventReleased"),
    initiateTransfer: verb("initiateTransfer", "EventDialing"),
    completeTransfer: verb("completeTransfer", "EventReleased"),
    alternateCall: verb("alternateCall", "EventHeld"),
    reconnectCall: verb("reconnectCall", "EventReleased"),
    attachUserData: verb("attachUserData", "EventAttachedDataChanged"),
    updateUserData: verb("updateUserData", "EventAttachedDataChanged"),
    sendDtmf: verb("sendDtmf", "EventDTMFSent"),
  };
}

const calls: Array<[string, Record<string, unknown>]> = [];
let busRef: EventBus | undefined;
const provider = definePlugin({
  manifest: { name: "fake-calls", version: "0.0.1", sdk: "^0.1.0" },
  register(ctx) {
    busRef = ctx.bus;
    ctx.extensions.provide(CALL_CONTROL, "test-calls", fakeCallControl(() => ctx.bus, calls));
  },
});

let srv: DesktopServer;
before(async () => {
  srv = await startDesktopServer({ plugins: [provider], desktop: { callControlProvider: "test-calls" } });
  assert.ok(busRef);
});
after(() => srv.close());

async function registered(): Promise<DesktopClient> {
  const c = await DesktopClient.connect(srv.wsUrl, TOKEN_A);
  assert.equal((await c.next()).event, "EventServerConnected");
  await c.request({ request: "RequestRegisterAddress", referenceId: "reg", dn: "1001" });
  return c;
}

const REQUESTS: Array<[string, Record<string, unknown>, string]> = [
  ["RequestMakeCall", { destination: "5551234", userData: { case: 42 } }, "makeCall"],
  ["RequestReleaseCall", { connId: "c1" }, "releaseCall"],
  ["RequestHoldCall", { connId: "c1" }, "holdCall"],
  ["RequestRetrieveCall", { connId: "c1" }, "retrieveCall"],
  ["RequestSingleStepTransfer", { connId: "c1", destination: "1002" }, "singleStepTransfer"],
  ["RequestInitiateTransfer", { connId: "c1", destination: "1002" }, "initiateTransfer"],
  ["RequestCompleteTransfer", { connId: "c2", heldConnId: "c1" }, "completeTransfer"],
  ["RequestAlternateCall", { connId: "c2", heldConnId: "c1" }, "alternateCall"],
  ["RequestReconnectCall", { connId: "c2", heldConnId: "c1" }, "reconnectCall"],
  ["RequestAttachUserData", { connId: "c1", userData: { a: "1" } }, "attachUserData"],
  ["RequestUpdateUserData", { connId: "c1", userData: { a: "2" } }, "updateUserData"],
  ["RequestSendDTMF", { connId: "c1", digits: "12#" }, "sendDtmf"],
];

describe("desktop call requests", { timeout: 300_000 }, () => {
  it("dispatches each call request to the provider; its event then EventACK carry the referenceId", async (t) => {
    const c = await registered();
    t.after(() => c.close());
    calls.length = 0;
    for (const [request, fields, verb] of REQUESTS) {
      const out = await c.request({ request, referenceId: `ref-${request}`, dn: "1001", ...fields }, (m) => m.event === "EventACK");
      assert.equal(out.length, 2, request);
      assert.equal(out[0]?.["referenceId"], `ref-${request}`);
      assert.equal(typeof out[0]?.["seq"], "number");
      assert.equal(out[1]?.event, "EventACK");
      assert.equal(out[1]?.["connId"], (fields["connId"] as string | undefined) ?? "conn-new");
      const [name, args] = calls.at(-1) ?? [];
      assert.equal(name, verb);
      assert.equal(args?.["dn"], "1001");
      assert.equal(args?.["source"], "desktop");
      for (const [k, v] of Object.entries(fields)) assert.deepEqual(args?.[k], v, `${request}.${k}`);
    }
    assert.equal(calls.length, REQUESTS.length);
  });

  it("works over HTTP too: the call model's event, then EventACK", async () => {
    const res = await fetch(srv.httpUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN_A}` },
      body: JSON.stringify({ request: "RequestHoldCall", referenceId: "http-hold", dn: "1001", connId: "c9" }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { messages: Array<Record<string, unknown>> };
    assert.deepEqual(body.messages.map((m) => [m["event"], m["referenceId"], m["connId"]]), [
      ["EventHeld", "http-hold", "c9"],
      ["EventACK", "http-hold", "c9"],
    ]);
  });

  it("a coded rejection from the call model becomes EventError with its code", async (t) => {
    const c = await registered();
    t.after(() => c.close());
    const out = await c.request({ request: "RequestHoldCall", referenceId: "g", dn: "1001", connId: "gone" });
    assert.equal(out[0]?.event, "EventError");
    assert.equal(out[0]?.["code"], "TANDEM_ERR_TESTCALL_UNKNOWN");
    assert.equal(out[0]?.["message"], "no call gone");
  });

  it("a call model that does not answer does not block the agent's other requests", async (t) => {
    const c = await registered();
    t.after(() => c.close());
    c.send({ request: "RequestHoldCall", referenceId: "slow", dn: "1001", connId: "hang" });
    const out = await c.request({ request: "RequestAgentLogin", referenceId: "fast", dn: "1001" }, (m) => m.event === "EventAgentNotReady");
    assert.deepEqual(out.map((m) => m.event), ["EventAgentLogin", "EventAgentNotReady"]);
    srv.server.dns.requestAgentState({ dn: "1001", request: "Logout", source: "admin", force: true });
  });

  it("validates fully before dispatch: bad fields, foreign DN, unregistered DN never reach the call model", async (t) => {
    const c = await registered();
    t.after(() => c.close());
    calls.length = 0;
    const bad = [
      { request: "RequestSendDTMF", referenceId: "v1", dn: "1001", connId: "c1", digits: "12x" },
      { request: "RequestAttachUserData", referenceId: "v2", dn: "1001", connId: "c1", userData: {} },
      { request: "RequestAttachUserData", referenceId: "v3", dn: "1001", connId: "c1", userData: { nested: { no: 1 } } },
      { request: "RequestCompleteTransfer", referenceId: "v4", dn: "1001", connId: "c1" },
      { request: "RequestMakeCall", referenceId: "v5", dn: "1001", destination: "has space" },
    ];
    for (const request of bad) {
      const out = await c.request(request);
      assert.equal(out[0]?.["code"], "TANDEM_ERR_DESKTOP_REQUEST_INVALID", JSON.stringify(request));
    }
    const foreign = await c.request({ request: "RequestHoldCall", referenceId: "v6", dn: "1002", connId: "c1" });
    assert.equal(foreign[0]?.["code"], "TANDEM_ERR_DESKTOP_DN_FORBIDDEN");
    await c.request({ request: "RequestUnregisterAddress", referenceId: "v7", dn: "1001" });
    const unregistered = await c.request({ request: "RequestHoldCall", referenceId: "v8", dn: "1001", connId: "c1" });
    assert.equal(unregistered[0]?.["code"], "TANDEM_ERR_DESKTOP_NOT_REGISTERED");
    assert.deepEqual(calls, []);
  });
});

describe("desktop call requests without a call-control provider", { timeout: 300_000 }, () => {
  it("answers TANDEM_ERR_DESKTOP_CALL_CONTROL_UNAVAILABLE and stays up", async (t) => {
    const bare = await startDesktopServer({ desktop: { callControlProvider: "nobody-provides-this" } });
    t.after(() => bare.close());
    const c = await DesktopClient.connect(bare.wsUrl, TOKEN_A);
    t.after(() => c.close());
    await c.next();
    await c.request({ request: "RequestRegisterAddress", referenceId: "r", dn: "1001" });
    for (const [request, fields] of REQUESTS) {
      const out = await c.request({ request, referenceId: `u-${request}`, dn: "1001", ...fields });
      assert.equal(out[0]?.["code"], "TANDEM_ERR_DESKTOP_CALL_CONTROL_UNAVAILABLE", request);
      assert.match(String(out[0]?.["message"]), new RegExp(request));
    }
    assert.equal(DEFAULT_CALL_CONTROL, "core");
    await bare.close();
    await new Promise((r) => setTimeout(r, 50));
    // The admin server closes its sockets before plugins close, so the code is the server's (1005/1001).
    assert.notEqual(c.closeCode, undefined, "shutdown closes desktop sockets");
  });
});

describe("desktop config", { timeout: 300_000 }, () => {
  it("refuses two tokens with the same secret", async () => {
    const tokens = [
      { name: "one", token: "same-secret-0123456789", dns: ["1001"] },
      { name: "two", token: "same-secret-0123456789", dns: ["1002"] },
    ];
    await assert.rejects(
      async () => {
        const s = await startDesktopServer({ desktop: { tokens } });
        await s.close();
      },
      (err: unknown) => JSON.stringify(err, Object.getOwnPropertyNames(err)).includes("TANDEM_ERR_DESKTOP_DUPLICATE_TOKEN"),
    );
  });
});
