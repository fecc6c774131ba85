/**
 * End-to-end rig for supervision with real audio: the real SIP stack on 127.0.0.1 and the call model (the calls
 * harness), the media-engine, media and supervision plugins on shared extension points, and one sipp party phone
 * per number (conferencing's party-phone.ts: a sipp UAS that answers every (re-)INVITE with an RTP test party
 * sending its own tone and recording what it hears). A `selectTrunk` handler sends every number to its phone;
 * a routing point `5000` routes to agent 1001. With `conferencing`, the conferencing plugin joins them, so a
 * supervisor can monitor a conference.
 */
import type { TestContext } from "node:test";
import {
  CALL_MEDIA_TAKEOVER,
  CONFERENCE_CONTROL,
  DEFAULT_CONFERENCE_CONTROL,
  DEFAULT_CALL_MEDIA_TAKEOVER,
  DEFAULT_MEDIA_ROOMS,
  DEFAULT_SUPERVISION_CONTROL,
  MEDIA_ROOMS,
  routeCall,
  selectTrunk,
  SUPERVISION_CONTROL,
  type CallMediaTakeover,
  type ConferenceControl,
  type DnInput,
  type EventName,
  type MediaRooms,
  type PluginContext,
  type SupervisionControl,
  type TandemEvent,
} from "@tandem/sdk";
import media from "@tandem/plugin-media";
import mediaEngine, { withDefaults as engineDefaults } from "@tandem/plugin-media-engine";
import conferencing, { withDefaults as conferencingDefaults } from "@tandem/plugin-conferencing";
import supervision, { withDefaults as supervisionDefaults, type SupervisionConfig } from "@tandem/plugin-supervision";
import { ExtensionRegistry } from "../../../core/src/plugins/extension-registry.js";
import { provideCallControl } from "../../../core/src/calls/control/create-call-control.js";
import { startTestStack } from "../../support/test-stack.js";
import { createCallsHarness, type CallsHarness } from "../../calls/support/calls-harness.js";
import { registerOnHarness } from "../../calls/support/plugin-on-harness.js";
import { portRange } from "../../media-engine/engine-fixture.js";
import { startPartyPhone, type PartyPhone } from "../../conferencing/support/party-phone.js";
import { callIn, type CallerPhone } from "./caller-phone.js";

export const AGENT = "1001";
export const SUPERVISOR = "1003";
export const ROUTING_POINT = "5000";

/** Each party's own tone, distinct so that what a phone hears says whom it hears. */
export const AGENT_TONE = 700;
export const SUPERVISOR_TONE = 1100;
export const CUSTOMER_TONE = 1700;

export interface SupervisionRig {
  h: CallsHarness;
  control: SupervisionControl;
  /** The media plugin's rooms (to see them open and close). */
  rooms: MediaRooms;
  /** The call model's media takeover (for a test's own media owner). */
  takeover: CallMediaTakeover;
  /** The conferencing plugin's requests, when the rig was started with `conferencing`. */
  conf: ConferenceControl | undefined;
  phones: ReadonlyMap<string, PartyPhone>;
  /** Port of the stack's SIP listener on 127.0.0.1. */
  sipPort: number;
  tones: number[];
  waitFor(name: EventName, predicate?: (e: TandemEvent) => boolean, timeoutMs?: number): Promise<TandemEvent>;
}

export async function startSupervisionRig(t: TestContext, options: { phones: Record<string, number>; supervision?: Partial<SupervisionConfig>; conferencing?: boolean }): Promise<SupervisionRig> {
  const phones = new Map<string, PartyPhone>();
  t.after(async () => {
    for (const phone of phones.values()) await phone.close();
  });
  for (const [number, frequency] of Object.entries(options.phones)) phones.set(number, await startPartyPhone(frequency));
  const dns: DnInput[] = [
    ...["1001", "1002", SUPERVISOR].map((number) => ({ number, type: "Extension" as const })),
    { number: ROUTING_POINT, type: "RoutingPoint" },
  ];
  const stack = await startTestStack({ served: [...dns.map((d) => d.number)] });
  const h = createCallsHarness(undefined, { sip: stack.stack.verbs, dns });
  t.after(async () => {
    await h.close();
    await stack.stack.stop();
  });
  h.hooks.tap(selectTrunk, (request) => {
    const phone = phones.get(request.destination);
    return phone ? { trunk: "phones", target: `sip:${phone.user}@127.0.0.1:${phone.sipPort}` } : null;
  });
  h.hooks.tap(routeCall, () => ({ kind: "agent", dn: AGENT }));
  const extensions = new ExtensionRegistry();
  provideCallControl(extensions, h.model);
  const sip: PluginContext["sip"] = stack.stack.verbs;
  await registerOnHarness(t, h, sip, mediaEngine, engineDefaults({ ...(await portRange(32)), workers: 1 }), extensions);
  await registerOnHarness(t, h, sip, media, { adapter: "media-engine" }, extensions);
  if (options.conferencing) await registerOnHarness(t, h, sip, conferencing, conferencingDefaults({}), extensions);
  const config = supervisionDefaults({ teams: [{ name: "blue", supervisors: [SUPERVISOR], agents: [AGENT], queues: [] }], ...options.supervision });
  await registerOnHarness(t, h, sip, supervision, config, extensions);
  const control = extensions.get(SUPERVISION_CONTROL, DEFAULT_SUPERVISION_CONTROL);
  const rooms = extensions.get(MEDIA_ROOMS, DEFAULT_MEDIA_ROOMS);
  const takeover = extensions.get(CALL_MEDIA_TAKEOVER, DEFAULT_CALL_MEDIA_TAKEOVER);
  if (!control || !rooms || !takeover) throw new Error("the supervision or media plugin, or the call model, provided nothing");
  return {
    h,
    control,
    rooms,
    takeover,
    conf: extensions.get(CONFERENCE_CONTROL, DEFAULT_CONFERENCE_CONTROL),
    phones,
    sipPort: stack.port,
    tones: Object.values(options.phones),
    waitFor: (name, predicate, timeoutMs = 15_000) => h.waitFor(name, predicate, timeoutMs),
  };
}

/** The rig with the agent's and the supervisor's phones (sending their tones) plus `more`, and those two phones. */
export async function startWithAgentAndSupervisor(
  t: TestContext,
  more: Record<string, number> = {},
): Promise<{ rig: SupervisionRig; agent: PartyPhone; supervisor: PartyPhone }> {
  const rig = await startSupervisionRig(t, { phones: { [AGENT]: AGENT_TONE, [SUPERVISOR]: SUPERVISOR_TONE, ...more } });
  const agent = rig.phones.get(AGENT);
  const supervisor = rig.phones.get(SUPERVISOR);
  if (!agent || !supervisor) throw new Error("the rig started without the agent's or the supervisor's phone");
  return { rig, agent, supervisor };
}

/**
 * Makes the agent Ready and calls the routing point from a customer's phone sending CUSTOMER_TONE (closed when
 * the test ends); resolves once the agent's call is established.
 */
export async function routedCallToAgent(t: TestContext, rig: SupervisionRig): Promise<{ customer: CallerPhone; connId: string }> {
  rig.h.ready(AGENT);
  const customer = await callIn({ port: rig.sipPort, service: ROUTING_POINT }, CUSTOMER_TONE);
  t.after(() => customer.close());
  const connId = (await rig.waitFor("EventEstablished", (e) => e.dn === AGENT)).connId;
  if (!connId) throw new Error("the agent's EventEstablished has no ConnID");
  return { customer, connId };
}
