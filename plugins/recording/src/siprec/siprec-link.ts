/**
 * A call's recording session over its whole life, across SRSes. It opens a SiprecSession (which walks the SRS list
 * on 5xx or no answer); once up, an SRS that drops the session (its BYE, or its dialog failing on a re-INVITE) is
 * reported and the session is opened once more, to the SRS after the lost one in the list (round the list, so a
 * single SRS is asked again). A second loss, or a failed re-try, ends it for the call. The call's local recording
 * is another owner's and goes on throughout.
 */
import type { McuRoom, SipVerbs } from "@tandem/sdk";
import type { MetadataParticipant, RecordingMetadata } from "./rs-metadata.js";
import { SiprecSession, type SiprecSides, type SiprecTarget } from "./siprec-session.js";
import { reasonOf, type SrsAttempt } from "./srs-failover.js";

export interface SiprecLinkEvents {
  /** The session went down mid-call; `retry` is the SRS asked next, or null when the call gets no more re-tries. */
  dropped(info: { srs: string; reason: string; retry: string | null }): void;
  /** The re-try after a drop is up. */
  resumed(info: { srs: string; sessionId: string }): void;
  /** The call has no session any more (a second drop, or the re-try failed). */
  lost(reason: string): void;
}

export interface SiprecCall {
  readonly sip: SipVerbs;
  readonly room: McuRoom;
  /** The call's sides as they are now (read at each session's start and each change of parties). */
  readonly sides: () => SiprecSides;
  readonly connId: string;
}

export class SiprecLink {
  private retried = false;
  private stopped = false;

  private constructor(
    private readonly call: SiprecCall,
    private readonly target: SiprecTarget,
    private participants: MetadataParticipant[],
    private readonly events: SiprecLinkEvents,
    private session: SiprecSession | undefined,
  ) {}

  /** Opens the first session; rejects when no SRS takes it (nothing is left joined then). */
  static async start(call: SiprecCall, target: SiprecTarget, participants: MetadataParticipant[], events: SiprecLinkEvents): Promise<SiprecLink> {
    const session = await SiprecSession.start(call.sip, call.room, call.sides(), target, call.connId, participants);
    const link = new SiprecLink(call, target, participants, events, session);
    session.onLost = (reason) => link.drop(session, reason);
    return link;
  }

  /** The running session's metadata (undefined while a re-try is being opened). */
  get metadata(): RecordingMetadata | undefined {
    return this.session?.metadata;
  }

  /** The SRS that took the running session, and those that failed before it. */
  get srs(): { uri: string | undefined; failedBefore: readonly SrsAttempt[] } {
    return { uri: this.session?.srs, failedBefore: this.session?.failedBefore ?? [] };
  }

  /**
   * New parties: the room is whispered into the new sides first (so a transfer's target or a conference's agent is
   * heard on the agent stream only), then the metadata goes to the SRS (RFC 7866 §6.1.2) — or is carried by the
   * re-try's first INVITE.
   */
  async update(participants: MetadataParticipant[]): Promise<void> {
    this.participants = participants;
    const session = this.session;
    if (!session) return;
    await session.rearrange(this.call.sides());
    await session.update(participants);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const session = this.session;
    this.session = undefined;
    await session?.stop();
  }

  private drop(session: SiprecSession, reason: string): void {
    if (this.stopped || this.session !== session) return;
    this.session = undefined;
    const next = this.retried ? null : this.after(session.srs);
    this.events.dropped({ srs: session.srs, reason, retry: next });
    if (next === null) return this.events.lost(reason);
    this.retried = true;
    SiprecSession.start(this.call.sip, this.call.room, this.call.sides(), { ...this.target, srs: [next] }, this.call.connId, this.participants).then(
      (again) => {
        if (this.stopped) return void again.stop();
        this.session = again;
        again.onLost = (why) => this.drop(again, why);
        this.events.resumed({ srs: again.srs, sessionId: again.metadata.sessionId });
      },
      (err: unknown) => {
        if (!this.stopped) this.events.lost(`${reason}; the re-try to ${next} failed: ${reasonOf(err)}`);
      },
    );
  }

  /** The SRS after `srs` in the list, round to the first. */
  private after(srs: string): string {
    const list = this.target.srs;
    const at = list.indexOf(srs);
    return list[(at + 1) % list.length] ?? srs;
  }
}
