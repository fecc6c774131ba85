/**
 * End-to-end rig for conferences with real audio: the real SIP stack on 127.0.0.1 and the call model (the calls
 * harness), the media, media-engine (or mcu-janus, given a running Janus) and conferencing plugins on shared
 * extension points, and one phone per
 * number, each sending its own tone: a baresip (ausine, recording what it hears) or a sipp phone whose audio is an
 * RTP test party (party-phone.ts). baresip 1.0 stops playing (and recording) what it receives after a hold
 * re-INVITE, so the phones that are held on the way (the consulting agent, the customer) are party phones. A
 * `selectTrunk` handler sends every number to its phone (both answer the user `phone`).
 */
import type { TestContext } from "node:test";
import { CONFERENCE_CONTROL, DEFAULT_CONFERENCE_CONTROL, selectTrunk, type ConferenceControl, type DnInput, type EventName, type PluginDefinition, type TandemEvent } from "@tandem/sdk";
import media from "@tandem/plugin-media";
import mediaEngine, { withDefaults as engineDefaults } from "@tandem/plugin-media-engine";
import conferencing, { withDefaults as conferencingDefaults } from "@tandem/plugin-conferencing";
import mcuJanus, { withDefaults as janusDefaults } from "@tandem/plugin-mcu-janus";
import { analyzeWav, describeSegments, toneSegments, type ToneWindow } from "@tandem/sdk/testing/media";
import { ExtensionRegistry } from "../../../core/src/plugins/extension-registry.js";
import { provideCallControl } from "../../../core/src/calls/control/create-call-control.js";
import { startBaresip, type BaresipPeer } from "../../support/media/baresip-peer.js";
import { startPartyPhone, type PartyPhone } from "./party-phone.js";
import { startTestStack } from "../../support/test-stack.js";
import { createCallsHarness, type CallsHarness } from "../../calls/support/calls-harness.js";
import { registerOnHarness } from "../../calls/support/plugin-on-harness.js";
import { portRange } from "../../media-engine/engine-fixture.js";

/** Agent DNs of the rig; any other number is an outside party. */
export const AGENTS = ["1001", "1002", "1003"];

export interface ConferenceRig {
  h: CallsHarness;
  conf: ConferenceControl;
  extensions: ExtensionRegistry;
  phones: ReadonlyMap<string, BaresipPeer>;
  parties: ReadonlyMap<string, PartyPhone>;
  /** Every tone a phone of the rig sends. */
  tones: number[];
  waitFor(name: EventName, predicate?: (e: TandemEvent) => boolean, timeoutMs?: number): Promise<TandemEvent>;
}

export interface ConferenceRigOptions {
  /** Number → the frequency its baresip phone sends. */
  phones?: Record<string, number>;
  /** Number → the frequency its party phone sends. */
  parties?: Record<string, number>;
  /** Numbers among `parties` whose phone refuses its second re-INVITE (test/fixtures/conferencing/phone-refusing.xml). */
  refusing?: string[];
  /** Other tones to detect (e.g. a hold music tone). */
  tones?: number[];
  conferencing?: Parameters<typeof conferencingDefaults>[0];
  /** Extra plugins registered after media-engine and before media (e.g. a wrapping MCU adapter). */
  adapters?: PluginDefinition<unknown>[];
  /** The adapter the media plugin selects; default media-engine. */
  adapter?: string;
  /** A running Janus's WebSocket URL: the mcu-janus plugin is the MCU instead of the embedded engine. */
  janusUrl?: string;
}

export async function startConferenceRig(t: TestContext, options: ConferenceRigOptions): Promise<ConferenceRig> {
  const phones = new Map<string, BaresipPeer>();
  const parties = new Map<string, PartyPhone>();
  t.after(async () => {
    for (const phone of [...phones.values(), ...parties.values()]) await phone.close();
  });
  for (const [number, frequency] of Object.entries(options.phones ?? {})) phones.set(number, await startBaresip({ frequency, codecs: ["PCMU"] }));
  for (const [number, frequency] of Object.entries(options.parties ?? {})) {
    parties.set(number, await startPartyPhone(frequency, options.refusing?.includes(number) ? "phone-refusing.xml" : "phone.xml"));
  }
  const dns: DnInput[] = AGENTS.map((number) => ({ number, type: "Extension" }));
  const stack = await startTestStack({ served: AGENTS });
  const h = createCallsHarness(undefined, { sip: stack.stack.verbs, dns });
  t.after(async () => {
    await h.close();
    await stack.stack.stop();
  });
  h.hooks.tap(selectTrunk, (request) => {
    const phone = phones.get(request.destination) ?? parties.get(request.destination);
    return phone ? { trunk: "phones", target: `sip:${phone.user}@127.0.0.1:${phone.sipPort}` } : null;
  });
  const extensions = new ExtensionRegistry();
  provideCallControl(extensions, h.model);
  const sip = stack.stack.verbs;
  // Adapters first: the media plugin selects its adapter in onReady, which the harness runs at once.
  if (options.janusUrl !== undefined) await registerOnHarness(t, h, sip, mcuJanus, janusDefaults({ url: options.janusUrl }), extensions);
  else await registerOnHarness(t, h, sip, mediaEngine, engineDefaults({ ...(await portRange(32)), workers: 1 }), extensions);
  for (const adapter of options.adapters ?? []) await registerOnHarness(t, h, sip, adapter, {}, extensions);
  await registerOnHarness(t, h, sip, media, { adapter: options.adapter ?? (options.janusUrl !== undefined ? "mcu-janus" : "media-engine") }, extensions);
  await registerOnHarness(t, h, sip, conferencing, conferencingDefaults(options.conferencing), extensions);
  const conf = extensions.get(CONFERENCE_CONTROL, DEFAULT_CONFERENCE_CONTROL);
  if (!conf) throw new Error("the conferencing plugin provided no conferencing.control");
  return {
    h,
    conf,
    extensions,
    phones,
    parties,
    tones: [...Object.values(options.phones ?? {}), ...Object.values(options.parties ?? {}), ...(options.tones ?? [])],
    waitFor: (name, predicate, timeoutMs = 15_000) => h.waitFor(name, predicate, timeoutMs),
  };
}

/** What `number`'s phone heard over its call, window by window (its first call's recording, complete once the call ended). */
export function heardBy(rig: ConferenceRig, number: string): ToneWindow[] {
  const phone = rig.phones.get(number);
  const [received] = phone?.recordings("received") ?? [];
  if (!received) throw new Error(`phone ${number} recorded nothing:\n${phone?.log() ?? ""}`);
  return analyzeWav(received, { frequencies: rig.tones }).channels[0]?.windows ?? [];
}

export function timeline(windows: readonly ToneWindow[]): string {
  return describeSegments(toneSegments(windows));
}

/** The longest run of consecutive windows hearing exactly `tones`, starting at or after `afterMs`. */
export function longestSpan(windows: readonly ToneWindow[], tones: readonly number[], afterMs = 0): { fromMs: number; toMs: number; ms: number } {
  const wanted = [...tones].sort((a, b) => a - b).join("+");
  let best = { fromMs: 0, toMs: 0, ms: 0 };
  let start: number | undefined;
  for (const w of windows) {
    const match = w.fromMs >= afterMs && [...w.tones].sort((a, b) => a - b).join("+") === wanted;
    if (match && start === undefined) start = w.fromMs;
    if (match && start !== undefined && w.toMs - start > best.ms) best = { fromMs: start, toMs: w.toMs, ms: w.toMs - start };
    if (!match) start = undefined;
  }
  return best;
}
