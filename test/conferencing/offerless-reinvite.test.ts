/**
 * A phone in a conference sends an offerless re-INVITE mid-call (RFC 3261 §14.1; e.g. CUCM refreshing a session
 * after a transfer): the conference's handler on the leg gets a fresh offer from the room (McuParty.offer), and
 * the phone's answer in the ACK (given to the handler through the SIP layer's OfferlessExchange) moves the room's
 * media to the phone's new port. Each phone is an RTP test party sending its own tone into the embedded engine;
 * the moved phone must hear the other two at its new port, be heard from there, and get nothing at the old one.
 * A phone that answers with no usable SDP leaves the room as it was. The legs are stand-ins that carry SDP
 * between the conference and the parties; the SIP path of the ACK's answer is proven in
 * test/sip-stack/offerless-reinvite-answer.test.ts.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import type { CallPartyLeg, MediaRooms, OfferHandler, OfferlessExchange, ReinviteOptions, SipLeg } from "@tandem/sdk";
import { withDefaults } from "@tandem/plugin-conferencing";
import type { MediaEngine } from "@tandem/plugin-media-engine";
import type { RtpParty } from "@tandem/sdk/testing/media";
import { ConferenceRooms } from "../../plugins/conferencing/src/conference-rooms.js";
import { closeParties, enginePort, openParty, partyOffer, shareHearing, sleep, startEngine } from "../media-engine/engine-fixture.js";
import { quietLogger } from "../support/test-stack.js";

after(closeParties);

/** A stand-in for a phone's leg: answers the room's re-INVITE from its RTP party and keeps the leg's offer handler. */
class PhoneLeg {
  handler: OfferHandler | undefined;
  stream: { stop(): void } | undefined;

  constructor(
    readonly id: string,
    public rtp: RtpParty,
    readonly tone: number,
  ) {}

  async reinvite(options: ReinviteOptions): Promise<{ sdp: string | undefined }> {
    this.sendTo(options.sdp ?? "");
    return { sdp: partyOffer(this.rtp.port) };
  }

  onOffer(handler: OfferHandler): void {
    this.handler = handler;
  }

  /** The phone's offerless re-INVITE: the handler's offer goes in our 2xx, `answer` (made from that offer) in the ACK. */
  async offerlessReinvite(answer: (offer: string) => string | Promise<string>): Promise<string> {
    let listener: ((answer: string) => void) | undefined;
    const exchange: OfferlessExchange = { onAnswer: (l) => void (listener = l) };
    assert.ok(this.handler, "the conference set an offer handler on the leg");
    const offer = await this.handler(undefined, "reinvite", exchange);
    listener?.(await answer(offer));
    return offer;
  }

  sendTo(sdp: string): void {
    this.stream?.stop();
    this.stream = this.rtp.sendTone({ to: { port: enginePort(sdp) }, frequencies: [this.tone] });
  }
}

function partyLeg(dn: string, role: CallPartyLeg["role"], phone: PhoneLeg): CallPartyLeg {
  return { dn, role, leg: phone as unknown as SipLeg };
}

function roomsOf(engine: MediaEngine): () => MediaRooms {
  const rooms: MediaRooms = {
    adapterName: engine.name,
    capabilities: engine.capabilities,
    health: () => engine.health(),
    createRoom: (request) => engine.createRoom(request),
    onEvent: (listener) => engine.onEvent(listener),
  };
  return () => rooms;
}

test("an offerless re-INVITE from a conferenced phone gets a fresh room offer; its answer moves the media to its new port", { timeout: 180_000 }, async (t) => {
  const engine = await startEngine({ workers: 1 });
  t.after(() => engine.close());
  const [customer, agent1, agent2] = await Promise.all([
    openParty().then((rtp) => new PhoneLeg("leg-c", rtp, 400)),
    openParty().then((rtp) => new PhoneLeg("leg-a1", rtp, 700)),
    openParty().then((rtp) => new PhoneLeg("leg-a2", rtp, 1100)),
  ]);
  const conferences = new ConferenceRooms(roomsOf(engine), withDefaults({}), quietLogger());
  await conferences.connect("conn-1", [partyLeg("5550100", "customer", customer), partyLeg("1001", "agent", agent1), partyLeg("1002", "agent", agent2)]);
  t.after(() => conferences.ended("conn-1", "released"));
  await sleep(1000);
  const start = customer.rtp.now();
  await sleep(1000);
  assert.ok(shareHearing(customer.rtp, [700, 1100], start) >= 0.8, "the customer hears both agents before the re-INVITE");

  // The customer's phone moves its media to a new port in its answer, as a phone may (RFC 3264 §8).
  const oldRtp = customer.rtp;
  const newRtp = await openParty();
  const member = conferences.get("conn-1")?.members.get("leg-c");
  const offer = await customer.offerlessReinvite((roomOffer) => {
    customer.rtp = newRtp;
    customer.sendTo(roomOffer);
    return partyOffer(newRtp.port);
  });
  assert.match(offer, /^m=audio \d+ RTP\/AVP/m, "the 2xx carries the room's offer");
  assert.equal(member?.localSdp, offer, "the offer is the room party's fresh one, not its old SDP");
  oldRtp.stopSending();
  await sleep(800);
  const moved = newRtp.now();
  const atOldPort = oldRtp.arrivals.length;
  const agentHeard = agent1.rtp.now();
  await sleep(1200);
  assert.ok(shareHearing(newRtp, [700, 1100], moved) >= 0.8, "the customer hears both agents at its new port");
  assert.equal(oldRtp.arrivals.length, atOldPort, "nothing more arrives at the customer's old port");
  assert.ok(shareHearing(agent1.rtp, [400, 1100], agentHeard) >= 0.8, "agent 1 hears the customer from its new port and agent 2");

  // An answer the room cannot use is reported, and the room goes on as it was.
  await customer.offerlessReinvite(() => "not sdp");
  await sleep(300);
  const after = newRtp.now();
  await sleep(1000);
  assert.ok(shareHearing(newRtp, [700, 1100], after) >= 0.8, "a bad answer leaves the customer hearing both agents");
});
