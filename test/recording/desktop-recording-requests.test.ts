/**
 * Recording requests over the desktop protocol: RequestPrivateService 3013/3014/3015/3016 reach the
 * `recording.control` provider as start/stop/pause/resume with the desktop's DN, ConnID and referenceId and are
 * answered with EventACK; another service id, a missing connId or privateServiceId is refused before the
 * provider; the provider's coded refusal comes back as EventError with its code. Without a provider the
 * requests are not implemented.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DEFAULT_RECORDING_CONTROL, defineError, definePlugin, RECORDING_CONTROL, type RecordingControl, type RecordingRequest, type RecordingStatusAnswer } from "@tandem/sdk";
import { DesktopClient, startDesktopServer, TOKEN_A, type DesktopServer } from "../desktop/support/desktop-harness.js";

const refused = defineError("TANDEM_ERR_TESTREC_REFUSED", "refused %s");
const calls: Array<[string, RecordingRequest]> = [];

function fakeRecording(): RecordingControl {
  const verb =
    (name: keyof RecordingControl, state: RecordingStatusAnswer["state"]) =>
    async (request: RecordingRequest): Promise<RecordingStatusAnswer> => {
      calls.push([name, request]);
      if (request.connId === "gone") throw refused(request.connId);
      return { recordingId: "rec-1", connId: request.connId, state };
    };
  return { start: verb("start", "recording"), stop: verb("stop", "stopped"), pause: verb("pause", "paused"), resume: verb("resume", "recording") };
}

const provider = definePlugin({
  // Stands in for the recording plugin, which owns the point it provides.
  manifest: { name: "recording", version: "0.0.1", sdk: "^0.1.0" },
  register(ctx) {
    ctx.extensions.provide(RECORDING_CONTROL, DEFAULT_RECORDING_CONTROL, fakeRecording());
  },
});

async function registered(srv: DesktopServer): Promise<DesktopClient> {
  const c = await DesktopClient.connect(srv.wsUrl, TOKEN_A);
  assert.equal((await c.next()).event, "EventServerConnected");
  await c.request({ request: "RequestRegisterAddress", referenceId: "reg", dn: "1001" });
  return c;
}

describe("desktop recording requests (RequestPrivateService)", { timeout: 300_000 }, () => {
  let srv: DesktopServer;
  before(async () => {
    srv = await startDesktopServer({ plugins: [provider] });
  });
  after(() => srv.close());

  it("3013/3015/3016/3014 reach start/pause/resume/stop with the request's fields, answered with EventACK", async (t) => {
    const c = await registered(srv);
    t.after(() => c.close());
    calls.length = 0;
    for (const [id, verb] of [[3013, "start"], [3015, "pause"], [3016, "resume"], [3014, "stop"]] as const) {
      const out = await c.request({ request: "RequestPrivateService", referenceId: `p${id}`, dn: "1001", connId: "c1", privateServiceId: id });
      assert.deepEqual([out[0]?.event, out[0]?.["referenceId"], out[0]?.["connId"], out[0]?.["request"]], ["EventACK", `p${id}`, "c1", "RequestPrivateService"]);
      assert.deepEqual(calls.at(-1), [verb, { connId: "c1", dn: "1001", referenceId: `p${id}`, source: "desktop" }]);
    }
  });

  it("refuses another service id, missing fields and other DNs before the provider; keeps the provider's code", async (t) => {
    const c = await registered(srv);
    t.after(() => c.close());
    calls.length = 0;
    const other = await c.request({ request: "RequestPrivateService", referenceId: "x1", dn: "1001", connId: "c1", privateServiceId: 4000 });
    assert.equal(other[0]?.["code"], "TANDEM_ERR_DESKTOP_REQUEST_INVALID");
    assert.match(String(other[0]?.["message"]), /3013/);
    const noId = await c.request({ request: "RequestPrivateService", referenceId: "x2", dn: "1001", connId: "c1" });
    assert.equal(noId[0]?.["code"], "TANDEM_ERR_DESKTOP_REQUEST_INVALID");
    const noConn = await c.request({ request: "RequestPrivateService", referenceId: "x3", dn: "1001", privateServiceId: 3013 });
    assert.equal(noConn[0]?.["code"], "TANDEM_ERR_DESKTOP_REQUEST_INVALID");
    const scope = await c.request({ request: "RequestPrivateService", referenceId: "x4", dn: "1002", connId: "c1", privateServiceId: 3013 });
    assert.equal(scope[0]?.["code"], "TANDEM_ERR_DESKTOP_DN_FORBIDDEN");
    assert.equal(calls.length, 0);
    const gone = await c.request({ request: "RequestPrivateService", referenceId: "g1", dn: "1001", connId: "gone", privateServiceId: 3014 });
    assert.deepEqual([gone[0]?.event, gone[0]?.["code"], gone[0]?.["referenceId"]], ["EventError", "TANDEM_ERR_TESTREC_REFUSED", "g1"]);
  });

  it("without a recording plugin the requests are not implemented", async (t) => {
    const bare = await startDesktopServer({});
    t.after(() => bare.close());
    const c = await registered(bare);
    t.after(() => c.close());
    const out = await c.request({ request: "RequestPrivateService", referenceId: "n1", dn: "1001", connId: "c1", privateServiceId: 3013 });
    assert.equal(out[0]?.["code"], "TANDEM_ERR_DESKTOP_NOT_IMPLEMENTED");
  });
});
