/**
 * End-to-end rig for recordings with real audio: the real SIP stack on 127.0.0.1 and the call model (the calls
 * harness, on an SQLite file), the media and media-engine plugins and the recording plugin on shared extension
 * points, and one party phone per number (a sipp UAS whose audio is an RTP test party sending its own tone, from
 * the conferencing tests). A `selectTrunk` handler sends every number to its phone. With `conferencing` (true, or
 * its config), the conferencing plugin joins them, so a recorded call can be conferenced and held with music;
 * `mcu` puts adapters of its own (e.g. one that can be unplugged) in front of the media plugin.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import {
  CONFERENCE_CONTROL,
  DEFAULT_CONFERENCE_CONTROL,
  DEFAULT_RECORDING_CONTROL,
  definePlugin,
  RECORDING_CONTROL,
  selectTrunk,
  type ConferenceControl,
  type DnInput,
  type PluginDefinition,
  type EventName,
  type RecordingControl,
  type TandemEvent,
} from "@tandem/sdk";
import conferencing, { withDefaults as conferencingDefaults } from "@tandem/plugin-conferencing";
import media from "@tandem/plugin-media";
import mediaEngine, { withDefaults as engineDefaults } from "@tandem/plugin-media-engine";
import recording, { RecordingIndex, withDefaults as recordingDefaults, type RecordingConfig } from "@tandem/plugin-recording";
import { ExtensionRegistry } from "../../../core/src/plugins/extension-registry.js";
import { provideCallControl } from "../../../core/src/calls/control/create-call-control.js";
import { SqlitePluginStorage } from "../../../core/src/storage/plugin-storage.js";
import { startTestStack } from "../../support/test-stack.js";
import { createCallsHarness, type CallsHarness } from "../../calls/support/calls-harness.js";
import { registerOnHarness } from "../../calls/support/plugin-on-harness.js";
import { portRange } from "../../media-engine/engine-fixture.js";
import { startPartyPhone, type PartyPhone } from "../../conferencing/support/party-phone.js";

export const AGENTS = ["1001", "1002"];

export interface RecordingRig {
  h: CallsHarness;
  control: RecordingControl;
  index: RecordingIndex;
  folder: string;
  parties: ReadonlyMap<string, PartyPhone>;
  /** The conferencing plugin's requests, when the rig was started with `conferencing`. */
  conf: ConferenceControl | undefined;
  waitFor(name: EventName, predicate?: (e: TandemEvent) => boolean, timeoutMs?: number): Promise<TandemEvent>;
}

/** `dns`: DNs beside the agents' (e.g. a VoipService DN for the SIPREC recording server). */
export async function startRecordingRig(t: TestContext, options: { parties: Record<string, number>; recording?: Partial<RecordingConfig>; conferencing?: boolean | Parameters<typeof conferencingDefaults>[0]; dns?: DnInput[]; mcu?: { adapters: PluginDefinition<unknown>[]; adapter: string } }): Promise<RecordingRig> {
  const dir = mkdtempSync(join(tmpdir(), "recording-rig-"));
  const folder = join(dir, "recordings");
  const parties = new Map<string, PartyPhone>();
  t.after(async () => {
    for (const phone of parties.values()) await phone.close();
    rmSync(dir, { recursive: true, force: true });
  });
  for (const [number, frequency] of Object.entries(options.parties)) parties.set(number, await startPartyPhone(frequency));
  const dns: DnInput[] = [...AGENTS.map((number): DnInput => ({ number, type: "Extension" })), ...(options.dns ?? [])];
  const stack = await startTestStack({ served: AGENTS });
  const h = createCallsHarness(undefined, { sip: stack.stack.verbs, dns, dbPath: join(dir, "tandem.sqlite") });
  t.after(async () => {
    await h.close();
    await stack.stack.stop();
  });
  h.hooks.tap(selectTrunk, (request) => {
    const phone = parties.get(request.destination);
    return phone ? { trunk: "phones", target: `sip:${phone.user}@127.0.0.1:${phone.sipPort}` } : null;
  });
  const extensions = new ExtensionRegistry();
  provideCallControl(extensions, h.model);
  const sip = stack.stack.verbs;
  await registerOnHarness(t, h, sip, mediaEngine, engineDefaults({ ...(await portRange(16)), workers: 1 }), extensions);
  // Adapters first: the media plugin selects its adapter in onReady, which the harness runs at once.
  for (const adapter of options.mcu?.adapters ?? []) await registerOnHarness(t, h, sip, adapter, {}, extensions);
  await registerOnHarness(t, h, sip, media, { adapter: options.mcu?.adapter ?? "media-engine" }, extensions);
  if (options.conferencing) await registerOnHarness(t, h, sip, conferencing, conferencingDefaults(options.conferencing === true ? {} : options.conferencing), extensions);
  // The harness's context has no storage: the recording plugin gets its own tables in the harness's SQLite file.
  const storage = new SqlitePluginStorage(h.db, "recording");
  const withStorage = definePlugin<RecordingConfig>({ manifest: recording.manifest, register: (ctx) => recording.register({ ...ctx, storage }) });
  await registerOnHarness(t, h, sip, withStorage, recordingDefaults({ folder, diskCheckMs: 200, ...options.recording }), extensions);
  const control = extensions.get(RECORDING_CONTROL, DEFAULT_RECORDING_CONTROL);
  if (!control) throw new Error("the recording plugin provided no recording.control");
  const conf = extensions.get(CONFERENCE_CONTROL, DEFAULT_CONFERENCE_CONTROL);
  return { h, control, index: new RecordingIndex(storage), folder, parties, conf, waitFor: (name, predicate, timeoutMs = 15_000) => h.waitFor(name, predicate, timeoutMs) };
}
