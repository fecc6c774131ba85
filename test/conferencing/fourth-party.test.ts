/**
 * A fourth party for a three-party conference, asked for from the desktop: a real server (desktop, media,
 * media-engine and conferencing plugins, the real SIP stack on 127.0.0.1) where agent 1001's desktop makes a
 * call to a customer, consults agent 1002 and completes the conference over the WebSocket. Then
 * RequestInitiateConference and RequestSingleStepConference to a fourth number are each answered EventError
 * TANDEM_ERR_CONFERENCE_FULL, the fourth phone is never called, and the three parties (sipp phones whose RTP
 * test parties send their own tones) go on hearing exactly the other two.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { definePlugin, selectTrunk, type PluginDefinition } from "@tandem/sdk";
import { fractionHearing } from "@tandem/sdk/testing/media";
import media from "@tandem/plugin-media";
import mediaEngine from "@tandem/plugin-media-engine";
import conferencing from "@tandem/plugin-conferencing";
import { AGENT_TOKENS, DesktopClient, startDesktopServer, TOKEN_A, type Message } from "../desktop/support/desktop-harness.js";
import { portRange } from "../media-engine/engine-fixture.js";
import { freePort } from "../support/free-port.js";
import { killAllSipp } from "../support/sipp.js";
import { sleep } from "../support/sleep.js";
import { timeline } from "./support/conference-rig.js";
import { startPartyPhone, type PartyPhone } from "./support/party-phone.js";

const TONES: Record<string, number> = { "1001": 700, "1002": 1100, "5550100": 1700, "5550199": 500 };
const CUSTOMER = "5550100";
const FOURTH = "5550199";

after(() => killAllSipp());

/** Every number to its phone (each answers the user `phone`), as a PBX would. */
function phonesTrunk(phones: ReadonlyMap<string, PartyPhone>): PluginDefinition<unknown> {
  return definePlugin({
    manifest: { name: "test-phones", version: "0.1.0", sdk: "^0.1.0" },
    register(ctx) {
      ctx.hooks.tap(selectTrunk, (request) => {
        const phone = phones.get(request.destination);
        return phone ? { trunk: "phones", target: `sip:${phone.user}@127.0.0.1:${phone.sipPort}` } : null;
      });
    },
  });
}

const answered = (m: Message): boolean => m.event === "EventACK" || m.event === "EventError";
/** Generous: a request that moves three legs into a room waits for three re-INVITEs, on a loaded machine too. */
const ANSWER_MS = 15_000;

test("a fourth party is refused from the desktop with TANDEM_ERR_CONFERENCE_FULL; the three parties keep hearing each other", { timeout: 180_000 }, async (t) => {
  const phones = new Map<string, PartyPhone>();
  t.after(async () => {
    for (const phone of phones.values()) await phone.close();
  });
  for (const [number, tone] of Object.entries(TONES)) phones.set(number, await startPartyPhone(tone));
  const server = await startDesktopServer({
    sipPort: await freePort(),
    plugins: [mediaEngine, media, conferencing, phonesTrunk(phones)] as unknown as ReadonlyArray<PluginDefinition<never>>,
    pluginConfig: { "media-engine": { enabled: true, ...(await portRange(32)), workers: 1 } },
    desktop: { tokens: AGENT_TOKENS },
  });
  t.after(() => server.close());
  const desktop = await DesktopClient.connect(server.wsUrl, TOKEN_A);
  t.after(() => desktop.close());
  await desktop.request({ request: "RequestRegisterAddress", referenceId: "reg", dn: "1001" });
  const established = async (connId: unknown): Promise<void> => {
    await desktop.until((m) => m.event === "EventEstablished" && (connId === undefined || m["connId"] === connId), 15_000);
  };

  const made = await desktop.request({ request: "RequestMakeCall", referenceId: "m1", dn: "1001", destination: CUSTOMER }, answered, ANSWER_MS);
  const connId = made.at(-1)?.["connId"];
  assert.deepEqual([made.at(-1)?.event, typeof connId], ["EventACK", "string"], JSON.stringify(made));
  await established(connId);
  const consult = await desktop.request({ request: "RequestInitiateConference", referenceId: "c1", dn: "1001", connId, destination: "1002" }, answered, ANSWER_MS);
  const consultId = consult.at(-1)?.["connId"];
  assert.equal(consult.at(-1)?.event, "EventACK", JSON.stringify(consult));
  await established(consultId);
  const completed = await desktop.request({ request: "RequestCompleteConference", referenceId: "c2", dn: "1001", connId: consultId, heldConnId: connId }, answered, ANSWER_MS);
  assert.deepEqual([completed.at(-1)?.event, completed.at(-1)?.["connId"]], ["EventACK", connId], JSON.stringify(completed));

  const conferenced = performance.now();
  for (const [request, referenceId] of [["RequestInitiateConference", "f1"], ["RequestSingleStepConference", "f2"]]) {
    const out = await desktop.request({ request, referenceId, dn: "1001", connId, destination: FOURTH }, answered, ANSWER_MS);
    assert.deepEqual(out.map((m) => m.event), ["EventError"], `${request}: nothing but the refusal (no EventHeld, no EventDialing)`);
    assert.equal(out[0]?.["code"], "TANDEM_ERR_CONFERENCE_FULL", JSON.stringify(out[0]));
    assert.match(String(out[0]?.["message"]), /already has 3 parties/);
  }
  await sleep(3000);
  const heard = (number: string, others: string[]): string | undefined => {
    const windows = (phones.get(number) as PartyPhone).heard(Object.values(TONES), conferenced - 200);
    const share = fractionHearing(windows, others.map((n) => TONES[n] as number), conferenced + 500, conferenced + 3000);
    return share >= 0.9 ? undefined : `${share.toFixed(2)} of the windows hold exactly the other two: ${timeline(windows)}`;
  };
  assert.equal(heard("1001", ["1002", CUSTOMER]), undefined, "agent 1001");
  assert.equal(heard("1002", ["1001", CUSTOMER]), undefined, "agent 1002");
  assert.equal(heard(CUSTOMER, ["1001", "1002"]), undefined, "the customer");
  assert.equal(phones.get(FOURTH)?.target(), undefined, "the fourth phone was never called");
});
