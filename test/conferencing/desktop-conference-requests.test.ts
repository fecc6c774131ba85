/**
 * Conference requests over the desktop protocol: checked against their schemas (otherDn, heldConnId,
 * destination), dispatched to the `conferencing.control` provider with the desktop's fields, answered with
 * EventACK (the provider's ConnID) or with EventError carrying the provider's code.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CONFERENCE_CONTROL, DEFAULT_CONFERENCE_CONTROL, defineError, definePlugin, type CallControlResult, type ConferenceControl } from "@tandem/sdk";
import { DesktopClient, startDesktopServer, TOKEN_A, type DesktopServer } from "../desktop/support/desktop-harness.js";

const refused = defineError("TANDEM_ERR_TESTCONF_REFUSED", "refused %s");
const calls: Array<[string, Record<string, unknown>]> = [];

function fakeConference(): ConferenceControl {
  const verb =
    (name: string) =>
    async (request: { connId: string }): Promise<CallControlResult> => {
      calls.push([name, request as unknown as Record<string, unknown>]);
      if (request.connId === "gone") throw refused(request.connId);
      return { connId: name === "initiateConference" ? "consult-1" : request.connId };
    };
  return {
    initiateConference: verb("initiateConference"),
    completeConference: verb("completeConference"),
    mergeCalls: verb("mergeCalls"),
    singleStepConference: verb("singleStepConference"),
    deleteFromConference: verb("deleteFromConference"),
  };
}

const provider = definePlugin({
  // Stands in for the conferencing plugin, which owns the point it provides.
  manifest: { name: "conferencing", version: "0.0.1", sdk: "^0.1.0" },
  register(ctx) {
    ctx.extensions.provide(CONFERENCE_CONTROL, DEFAULT_CONFERENCE_CONTROL, fakeConference());
  },
});

let srv: DesktopServer;
before(async () => {
  srv = await startDesktopServer({ plugins: [provider] });
});
after(() => srv.close());

async function registered(): Promise<DesktopClient> {
  const c = await DesktopClient.connect(srv.wsUrl, TOKEN_A);
  assert.equal((await c.next()).event, "EventServerConnected");
  await c.request({ request: "RequestRegisterAddress", referenceId: "reg", dn: "1001" });
  return c;
}

const REQUESTS: Array<[string, Record<string, unknown>, string, string]> = [
  ["RequestInitiateConference", { connId: "c1", destination: "1002", userData: { case: 7 } }, "initiateConference", "consult-1"],
  ["RequestCompleteConference", { connId: "consult-1", heldConnId: "c1" }, "completeConference", "consult-1"],
  ["RequestMergeCalls", { connId: "consult-1", heldConnId: "c1" }, "mergeCalls", "consult-1"],
  ["RequestSingleStepConference", { connId: "c1", destination: "5550100" }, "singleStepConference", "c1"],
  ["RequestDeleteFromConference", { connId: "c1", otherDn: "1002" }, "deleteFromConference", "c1"],
];

describe("desktop conference requests", { timeout: 300_000 }, () => {
  it("each reaches the conferencing.control provider with its fields and is answered with EventACK", async (t) => {
    const c = await registered();
    t.after(() => c.close());
    calls.length = 0;
    for (const [request, fields, verb, connId] of REQUESTS) {
      const out = await c.request({ request, referenceId: `ref-${request}`, dn: "1001", ...fields });
      assert.deepEqual([out[0]?.event, out[0]?.["referenceId"], out[0]?.["connId"]], ["EventACK", `ref-${request}`, connId], request);
      const [name, args] = calls.at(-1) ?? [];
      assert.equal(name, verb);
      assert.equal(args?.["dn"], "1001");
      assert.equal(args?.["source"], "desktop");
      for (const [k, v] of Object.entries(fields)) assert.deepEqual(args?.[k], v, `${request}.${k}`);
    }
  });

  it("a request missing its fields is refused by the schema before the provider; a provider's refusal keeps its code", async (t) => {
    const c = await registered();
    t.after(() => c.close());
    calls.length = 0;
    const missing = await c.request({ request: "RequestDeleteFromConference", referenceId: "m1", dn: "1001", connId: "c1" });
    assert.equal(missing[0]?.["code"], "TANDEM_ERR_DESKTOP_REQUEST_INVALID");
    assert.match(String(missing[0]?.["message"]), /otherDn/);
    const noHeld = await c.request({ request: "RequestCompleteConference", referenceId: "m2", dn: "1001", connId: "c2" });
    assert.equal(noHeld[0]?.["code"], "TANDEM_ERR_DESKTOP_REQUEST_INVALID");
    assert.equal(calls.length, 0);
    const gone = await c.request({ request: "RequestDeleteFromConference", referenceId: "g1", dn: "1001", connId: "gone", otherDn: "1002" });
    assert.deepEqual([gone[0]?.event, gone[0]?.["code"], gone[0]?.["referenceId"]], ["EventError", "TANDEM_ERR_TESTCONF_REFUSED", "g1"]);
  });

  it("the DN scope of the token holds for conference requests too", async (t) => {
    const c = await registered();
    t.after(() => c.close());
    const out = await c.request({ request: "RequestDeleteFromConference", referenceId: "s1", dn: "1002", connId: "c1", otherDn: "1001" });
    assert.equal(out[0]?.["code"], "TANDEM_ERR_DESKTOP_DN_FORBIDDEN");
  });
});
