/**
 * A conformance party: an RTP test party on 127.0.0.1 that joined a room of the adapter under test and sends
 * its own tone into it, so what every other party hears tells who hears whom.
 */
import type { McuJoinRequest, McuParty, McuPartyMode, McuRoom } from "../../mcu-adapter.js";
import type { G711Codec } from "../media/g711.js";
import { TELEPHONE_EVENT_PAYLOAD_TYPE } from "../media/telephone-event.js";
import { RtpParty } from "../media/rtp-party.js";
import type { ToneStream } from "../media/tone-sender.js";
import { kitSdp, mediaTarget, type SdpMediaTarget } from "./kit-sdp.js";

/** How a conformance party joins. */
export interface KitJoinOptions {
  id: string;
  /** The tone this party sends, Hz; none for a party that only listens. */
  tone?: number;
  mode?: McuPartyMode;
  /** Codecs offered, in order; default PCMU, PCMA. */
  codecs?: readonly G711Codec[];
  /** Join without an offer and answer the adapter's (RFC 3725 flow I). */
  offerless?: boolean;
  /** Offer RFC 4733 telephone-event (payload type 101). */
  telephoneEvents?: boolean;
  /** Passed to the join: report the party inactive after this long without media. */
  inactivityMs?: number;
}

/** A party of the suite: its RTP end, its place in the room, and the adapter's media address for it. */
export interface KitParty {
  readonly id: string;
  readonly tone: number | undefined;
  readonly rtp: RtpParty;
  readonly mcu: McuParty;
  readonly target: SdpMediaTarget;
  /** Its tone stream, when it has a tone: pause it to go silent, send DTMF in it. */
  readonly stream: ToneStream | undefined;
  /** The `o=` session id of its SDP. */
  readonly sessionId: number;
  /** Stops its tone and leaves the room (errors from the adapter propagate), then releases its socket. */
  leave(): Promise<void>;
  /** Releases its socket only (after its room closed). */
  close(): Promise<void>;
}

let sessionIds = 1;

/** Joins `room` as described and starts sending the party's tone to the adapter. */
export async function joinKitParty(room: McuRoom, options: KitJoinOptions): Promise<KitParty> {
  const codecs = options.codecs ?? ["PCMU", "PCMA"];
  const rtp = await RtpParty.open({ codec: codecs[0] ?? "PCMU" });
  try {
    const sessionId = sessionIds++;
    const request: McuJoinRequest = {
      partyId: options.id,
      ...(options.mode ? { mode: options.mode } : {}),
      ...(options.inactivityMs !== undefined ? { inactivityMs: options.inactivityMs } : {}),
    };
    const events = options.telephoneEvents ? TELEPHONE_EVENT_PAYLOAD_TYPE : undefined;
    const mcu = await room.join(options.offerless ? request : { ...request, offer: kitSdp(rtp.port, codecs, sessionId, events) });
    const target = mediaTarget(mcu.localSdp);
    if (options.offerless) await mcu.accept(kitSdp(rtp.port, [target.codec], sessionId, target.telephoneEventPayloadType));
    let stream: ToneStream | undefined;
    // Sent in the codec the adapter chose: the first format of its answer, or of its offer we accepted.
    if (options.tone !== undefined) stream = rtp.sendTone({ to: { address: target.address, port: target.port }, frequencies: [options.tone], codec: target.codec });
    return {
      id: options.id,
      tone: options.tone,
      rtp,
      mcu,
      target,
      stream,
      sessionId,
      leave: async () => {
        rtp.stopSending();
        await stream?.done;
        await mcu.leave();
        await rtp.close();
      },
      close: () => rtp.close(),
    };
  } catch (error) {
    await rtp.close();
    throw error;
  }
}

/**
 * Answers the adapter's fresh offer to `party` (`offer`, from McuParty.offer) from a new RTP socket, as a phone
 * that moves its media in its answer to an offerless re-INVITE would (RFC 3261 §14.1, RFC 3264 §8), and sends
 * the party's tone from there. The old socket stops sending but stays open, so a case can tell that nothing
 * arrives there any more; the returned party's `close` releases the new socket, `leave` both.
 */
export async function answerFreshOffer(party: KitParty, offer: string): Promise<KitParty> {
  const target = mediaTarget(offer);
  const rtp = await RtpParty.open({ codec: target.codec });
  try {
    await party.mcu.accept(kitSdp(rtp.port, [target.codec], party.sessionId, target.telephoneEventPayloadType, 2));
  } catch (error) {
    await rtp.close();
    throw error;
  }
  party.rtp.stopSending();
  const stream = party.tone === undefined ? undefined : rtp.sendTone({ to: { address: target.address, port: target.port }, frequencies: [party.tone], codec: target.codec });
  return {
    id: party.id,
    tone: party.tone,
    rtp,
    mcu: party.mcu,
    target,
    stream,
    sessionId: party.sessionId,
    leave: async () => {
      rtp.stopSending();
      await stream?.done;
      await party.mcu.leave();
      await Promise.all([rtp.close(), party.close()]);
    },
    close: () => rtp.close(),
  };
}
