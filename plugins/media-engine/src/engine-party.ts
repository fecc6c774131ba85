/**
 * A party of an engine room: its port pair, its SDP exchange in either direction (RFC 3264; RFC 3725 for an
 * offerless join or a fresh offer mid-call) and the requests that change what it hears, all carried out by its
 * room's worker.
 */
import { McuErrors, type McuJoinRequest, type McuParty, type McuPartyMode, type McuPlayback, type McuPlayRequest, type TandemError } from "@tandem/sdk";
import type { EngineRoom } from "./engine-room.js";
import type { MediaEngine } from "./media-engine.js";
import { WorkerReplyError } from "./mixer-worker-client.js";
import { toWireMode } from "./party-mode.js";
import type { RemoteMedia, WireMode } from "./protocol.js";
import { answerOffer, makeOffer, readAnswer, SdpOrigin, SdpProblem } from "./sdp-negotiation.js";

/** Ports tried when another process holds the one handed out, before giving up. */
const BIND_ATTEMPTS = 8;

function sdpRefusal(engine: MediaEngine, partyId: string, err: unknown): TandemError {
  if (err instanceof SdpProblem && err.kind === "no-common-codec") return McuErrors.noCommonCodec(engine.name, partyId, err.message);
  return McuErrors.badSdp(engine.name, partyId, (err as Error).message);
}

export class EngineParty implements McuParty {
  private left = false;

  private constructor(
    readonly id: string,
    private readonly room: EngineRoom,
    private readonly engine: MediaEngine,
    readonly port: number,
    private readonly origin: SdpOrigin,
    public localSdp: string,
    private awaitingAnswer: boolean,
  ) {}

  get roomId(): string {
    return this.room.id;
  }

  /** Takes a port pair, negotiates, and has the worker bind it; a pair held by another process is skipped. */
  static async open(room: EngineRoom, engine: MediaEngine, id: string, request: McuJoinRequest, mode: WireMode, inactivityMs: number): Promise<EngineParty> {
    const origin = new SdpOrigin();
    for (let attempt = 1; ; attempt++) {
      const port = engine.ports.take();
      if (port === undefined) throw McuErrors.portsExhausted(engine.name, engine.ports.describe());
      const local = { address: engine.announceAddress, port, origin };
      let sdp: string;
      let remote: RemoteMedia | null = null;
      try {
        if (request.offer !== undefined) ({ sdp, remote } = answerOffer(request.offer, local));
        else sdp = makeOffer(local);
      } catch (err) {
        engine.ports.release(port);
        throw sdpRefusal(engine, id, err);
      }
      try {
        await room.worker.request({ op: "join", roomId: room.id, partyId: id, address: engine.config.address, port, remote, mode, inactivityMs });
        return new EngineParty(id, room, engine, port, origin, sdp, request.offer === undefined);
      } catch (err) {
        engine.ports.release(port);
        if (err instanceof WorkerReplyError && err.failure === "port-in-use" && attempt < BIND_ATTEMPTS) continue;
        throw engine.refusal(err, room.id);
      }
    }
  }

  async accept(answer: string): Promise<void> {
    this.assertHere();
    if (!this.awaitingAnswer) throw McuErrors.wrongState(this.engine.name, `accept an answer from party ${this.id}`, "no offer of ours awaits an answer");
    let remote: RemoteMedia;
    try {
      remote = readAnswer(answer);
    } catch (err) {
      throw sdpRefusal(this.engine, this.id, err);
    }
    await this.send({ op: "remote", roomId: this.room.id, partyId: this.id, remote });
    this.awaitingAnswer = false;
  }

  /** A fresh offer on the party's own port pair (RFC 3264 §8: same origin, next version); media goes on meanwhile. */
  async offer(): Promise<string> {
    this.assertHere();
    this.localSdp = makeOffer({ address: this.engine.announceAddress, port: this.port, origin: this.origin });
    this.awaitingAnswer = true;
    return this.localSdp;
  }

  async reoffer(offer: string): Promise<string> {
    this.assertHere();
    let negotiated: { sdp: string; remote: RemoteMedia };
    try {
      negotiated = answerOffer(offer, { address: this.engine.announceAddress, port: this.port, origin: this.origin });
    } catch (err) {
      throw sdpRefusal(this.engine, this.id, err);
    }
    await this.send({ op: "remote", roomId: this.room.id, partyId: this.id, remote: negotiated.remote });
    this.awaitingAnswer = false;
    this.localSdp = negotiated.sdp;
    return negotiated.sdp;
  }

  async setMode(mode: McuPartyMode): Promise<void> {
    this.assertHere();
    const wire = toWireMode(this.engine.name, this.engine.capabilities, mode);
    await this.send({ op: "mode", roomId: this.room.id, partyId: this.id, mode: wire });
  }

  play(request: McuPlayRequest): Promise<McuPlayback> {
    this.assertHere();
    return this.room.startPlayback(this.id, request);
  }

  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    await this.room.partyLeft(this);
  }

  /** The room went (closed or lost): nothing more to do for this party. */
  ended(): void {
    this.left = true;
  }

  private assertHere(): void {
    if (this.left) throw McuErrors.unknownParty(this.engine.name, this.id, this.room.id);
  }

  private async send(request: Parameters<EngineRoom["worker"]["request"]>[0]): Promise<void> {
    try {
      await this.room.worker.request(request);
    } catch (err) {
      throw this.engine.refusal(err, this.room.id);
    }
  }
}
