/**
 * A SIPREC recording session (RFC 7866) for one call, Tandem as the SRC. Two listen-only parties join the call's
 * room offerless, one per side; the call's own parties whisper so that each is still heard by the other and, in
 * addition, only by its own side's recorder party — so each stream to the SRS carries one side (RFC 7866 §8.1.1:
 * one stream per participant side). An INVITE to the SRS carries `Require: siprec` (§6.1.1) and a multipart body
 * of the SDP (two `sendonly` labelled streams) and the RFC 7865 metadata; the SRS's answer completes both parties'
 * joins. The INVITE's Contact carries the `+sip.src` feature tag (§6.1.1, on the dialog's later requests too).
 * An SRS that answers 5xx or not at all hands the INVITE to the next SRS of the list (srs-failover.ts). A change of
 * parties is sent as a re-INVITE with new metadata (§6.1.2); a re-INVITE answered 481 or 408 ends the session like
 * the SRS's BYE (RFC 3261 §12.2.1.2); the end is a BYE. When the SRS refuses, fails or hangs up, the recorder
 * parties leave and the call's parties speak to the room again — the call is never touched.
 */
import type { McuParty, McuRoom, SipLeg, SipVerbs } from "@tandem/sdk";
import { metadataXml, newMetadata, type MetadataParticipant, type RecordingMetadata } from "./rs-metadata.js";
import { multipartBody, recordingOffer, splitAnswer } from "./siprec-body.js";
import { endsDialog, reasonOf, tryInTurn, type SrsAttempt } from "./srs-failover.js";

/** RFC 7866 §6.1.1: the option tag the SRC requires and the feature tag of its Contact. */
export const SIPREC_OPTION_TAG = "siprec";
export const SRC_FEATURE_TAG = "+sip.src";

export interface SiprecTarget {
  /** The SRSes' URIs, in the order to try them. */
  readonly srs: readonly string[];
  /** How long the SRS may take to answer, ms. */
  readonly answerMs: number;
}

/**
 * The call's two sides in the room now: the room parties whose audio goes to each stream (the customer; the agent,
 * a transfer's target in its place, or a conference's agents).
 */
export interface SiprecSides {
  readonly customers: readonly McuParty[];
  readonly agents: readonly McuParty[];
}

export class SiprecSession {
  private leg: SipLeg | undefined;
  private version = 1;
  private ended = false;
  /** The SRS that answered, and those that failed before it. */
  srs = "";
  failedBefore: readonly SrsAttempt[] = [];
  /** Runs once when the SRS ends the session or it fails after starting. */
  onLost: (reason: string) => void = () => undefined;

  private constructor(
    private readonly sip: SipVerbs,
    private sides: SiprecSides,
    private readonly recorders: { customer: McuParty; agent: McuParty },
    readonly metadata: RecordingMetadata,
  ) {}

  static async start(sip: SipVerbs, room: McuRoom, sides: SiprecSides, target: SiprecTarget, connId: string, participants: MetadataParticipant[]): Promise<SiprecSession> {
    const customer = await room.join({ partyId: `srs-customer-${connId}`, mode: { mode: "listen-only" } });
    const agent = await room.join({ partyId: `srs-agent-${connId}`, mode: { mode: "listen-only" } }).catch(async (err: unknown) => {
      await customer.leave().catch(() => undefined);
      throw err;
    });
    const session = new SiprecSession(sip, sides, { customer, agent }, newMetadata(connId, participants));
    try {
      await session.split();
      const { srs, failed } = await tryInTurn(target.srs, (uri) => session.invite(uri, target.answerMs));
      session.srs = srs;
      session.failedBefore = failed;
    } catch (err) {
      await session.teardown();
      throw err;
    }
    return session;
  }

  /** New parties (a transfer, a party leaving): a re-INVITE with the same SDP and new metadata (RFC 7866 §6.1.2). */
  async update(participants: MetadataParticipant[]): Promise<void> {
    const leg = this.leg;
    if (!leg || this.ended) return;
    this.metadata.participants = participants;
    const sdp = leg.localSdp ?? this.offer();
    try {
      await leg.reinvite({ sdp, body: multipartBody(sdp, metadataXml(this.metadata)) });
    } catch (err) {
      if (!endsDialog(err) || this.ended) throw err;
      this.ended = true;
      await leg.bye().catch(() => undefined);
      await this.teardown();
      this.onLost(`the SRS's dialog failed on a re-INVITE (${reasonOf(err)})`);
    }
  }

  /**
   * The call's parties changed (a transfer's target in the agent's seat, a conference's agent, a party gone): the
   * new arrangement is whispered as at the start, so each stream still carries its own side alone (RFC 7866 §8.1.1).
   */
  async rearrange(sides: SiprecSides): Promise<void> {
    if (this.ended) return;
    this.sides = sides;
    await this.split();
  }

  /** BYE to the SRS; the call's parties speak to the room again. */
  async stop(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.leg?.bye().catch(() => undefined);
    await this.teardown();
  }

  /**
   * Each side heard by the other side, by its own side (a conference's agents hear each other) and by its own
   * recorder party only.
   */
  private async split(): Promise<void> {
    const { customers, agents } = this.sides;
    const ids = (parties: readonly McuParty[], except: McuParty): string[] => parties.filter((p) => p !== except).map((p) => p.id);
    await Promise.all([
      ...customers.map((p) => p.setMode({ mode: "whisper", to: [...ids(agents, p), ...ids(customers, p), this.recorders.customer.id] })),
      ...agents.map((p) => p.setMode({ mode: "whisper", to: [...ids(customers, p), ...ids(agents, p), this.recorders.agent.id] })),
    ]);
  }

  private offer(): string {
    return recordingOffer(this.recorders.customer.localSdp, this.recorders.agent.localSdp, this.version++);
  }

  private async invite(srs: string, answerMs: number): Promise<void> {
    const sdp = this.offer();
    const call = this.sip.invite({
      target: srs,
      sdp,
      body: multipartBody(sdp, metadataXml(this.metadata)),
      headers: { Require: SIPREC_OPTION_TAG },
      featureTags: [SRC_FEATURE_TAG],
      noAnswerTimeoutMs: answerMs,
      noResponseTimeoutMs: Math.min(answerMs, 4000),
    });
    const leg = await call.answered;
    this.leg = leg;
    try {
      if (!leg.remoteSdp) throw new Error("the SRS answered without SDP");
      const answer = splitAnswer(leg.remoteSdp);
      await this.recorders.customer.accept(answer.customer);
      await this.recorders.agent.accept(answer.agent);
    } catch (err) {
      this.ended = true;
      await leg.bye().catch(() => undefined);
      throw err;
    }
    leg.onEnded((reason) => {
      if (this.ended) return;
      this.ended = true;
      void this.teardown().finally(() => this.onLost(`the SRS ended the session (${reason.by}${reason.status ? ` ${reason.status}` : ""})`));
    });
  }

  private async teardown(): Promise<void> {
    await Promise.all([this.recorders.customer.leave().catch(() => undefined), this.recorders.agent.leave().catch(() => undefined)]);
    await Promise.all([...this.sides.customers, ...this.sides.agents].map((p) => p.setMode({ mode: "speak-listen" }).catch(() => undefined)));
  }
}
