/**
 * The conferencing plugin in a real server beside the desktop, media and media-engine plugins: its config (with
 * the defaults the host fills in) is accepted, it provides conferencing.control, and a desktop's conference
 * request now reaches the call model (a coded refusal for a call that does not exist, where without the plugin the
 * answer was TANDEM_ERR_DESKTOP_NOT_IMPLEMENTED).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { PluginDefinition } from "@tandem/sdk";
import media from "@tandem/plugin-media";
import mediaEngine from "@tandem/plugin-media-engine";
import conferencing from "@tandem/plugin-conferencing";
import { DesktopClient, startDesktopServer, TOKEN_A, type DesktopServer } from "../desktop/support/desktop-harness.js";

let srv: DesktopServer;
before(async () => {
  const plugins = [mediaEngine, media, conferencing] as unknown as ReadonlyArray<PluginDefinition<never>>;
  srv = await startDesktopServer({ plugins });
});
after(() => srv.close());

describe("conferencing in a real server", { timeout: 300_000 }, () => {
  it("a desktop's conference requests reach the call model through the plugin", async (t) => {
    const c = await DesktopClient.connect(srv.wsUrl, TOKEN_A);
    t.after(() => c.close());
    assert.equal((await c.next()).event, "EventServerConnected");
    await c.request({ request: "RequestRegisterAddress", referenceId: "reg", dn: "1001" });
    const initiate = await c.request({ request: "RequestInitiateConference", referenceId: "i1", dn: "1001", connId: "0000000000000001", destination: "1002" });
    assert.deepEqual([initiate[0]?.event, initiate[0]?.["code"]], ["EventError", "TANDEM_ERR_CALL_CONTROL_UNKNOWN_CALL"]);
    const remove = await c.request({ request: "RequestDeleteFromConference", referenceId: "d1", dn: "1001", connId: "0000000000000001", otherDn: "1002" });
    assert.deepEqual([remove[0]?.event, remove[0]?.["code"]], ["EventError", "TANDEM_ERR_CALL_CONTROL_UNKNOWN_CALL"]);
  });
});
