/**
 * A room's mix, once per 20 ms tick. Every party hears the sum of the parties it may hear, never itself
 * (mix-minus): the speak-listen parties are summed once, the listener's own frame is taken back out, and the
 * whisperers that name it are added. Listen-only parties are heard by nobody. What is played to the room goes into
 * every party's mix; what is played to one party into its mix alone. A recording takes what the room hears
 * (mono), or each listed side on its own channel. RFC 4733 events follow the same rules as voice.
 */
import type { WireLayout } from "../protocol.js";
import { encodeG711 } from "./g711.js";
import { FRAME_SAMPLES, type MixParty } from "./mix-party.js";
import type { RtpIn } from "./rtp-packet.js";
import type { Player } from "./wav-source.js";
import type { WavRecorder } from "./wav-recorder.js";

/** A running recording and who goes on which channel. */
export interface RoomRecording {
  readonly recorder: WavRecorder;
  readonly layout: WireLayout;
}

export class MixRoom {
  readonly parties = new Map<string, MixParty>();
  readonly players = new Map<string, Player>();
  recording: RoomRecording | null = null;
  private readonly base = new Int32Array(FRAME_SAMPLES);
  private readonly played = new Int32Array(FRAME_SAMPLES);
  private readonly left = new Int32Array(FRAME_SAMPLES);
  private readonly right = new Int32Array(FRAME_SAMPLES);

  constructor(
    readonly id: string,
    private readonly onPlaybackEnded: (roomId: string, playbackId: string) => void,
  ) {}

  /** Mixes and sends one frame to every party; records it; answers the arrival times of the frames it carried. */
  tick(arrivals: number[]): void {
    const { base, played } = this;
    base.fill(0);
    played.fill(0);
    for (const party of this.parties.values()) {
      party.pull();
      if (party.inputArrival >= 0) {
        arrivals.push(party.inputArrival);
        if (party.mode.mode === "speak-listen") addInto(base, party.input);
      }
    }
    for (const [id, player] of this.players) {
      if (!player.addTo(played) || player.done) this.endPlayback(this.players, id);
    }
    addInto(base, played);
    for (const party of this.parties.values()) this.sendTo(party);
    if (this.recording) this.record(this.recording);
  }

  /** RFC 4733 events go where the sender's voice goes: to every party that hears it, as its mode says. */
  relayEvent(from: MixParty, packet: RtpIn): void {
    if (from.mode.mode === "listen-only") return;
    for (const listener of this.parties.values()) {
      if (listener === from || (from.mode.mode === "whisper" && !from.hearers.has(listener.id))) continue;
      listener.endpoint.sendEvent(packet.payload, packet.timestamp, packet.marker);
    }
  }

  private sendTo(listener: MixParty): void {
    const remote = listener.endpoint.media;
    if (!remote || !remote.receives) return;
    const out = listener.out;
    out.set(this.base);
    if (listener.mode.mode === "speak-listen" && listener.inputArrival >= 0) subtractFrom(out, listener.input);
    for (const other of this.parties.values()) {
      if (other.mode.mode === "whisper" && other.heardBy(listener)) addInto(out, other.input);
    }
    for (const [id, player] of listener.players) {
      if (!player.addTo(out) || player.done) this.endPlayback(listener.players, id);
    }
    encodeG711(remote.codec, out, listener.payload);
    listener.endpoint.send(listener.payload, FRAME_SAMPLES);
  }

  private record({ recorder, layout }: RoomRecording): void {
    if (layout.layout === "mono") {
      this.left.set(this.base);
      for (const party of this.parties.values()) {
        if (party.mode.mode === "whisper" && party.inputArrival >= 0) addInto(this.left, party.input);
      }
      recorder.push(this.left, null);
      return;
    }
    this.left.set(this.played);
    this.right.set(this.played);
    for (const id of layout.left) this.addSide(this.left, id);
    for (const id of layout.right) this.addSide(this.right, id);
    recorder.push(this.left, this.right);
  }

  private addSide(mix: Int32Array, partyId: string): void {
    const party = this.parties.get(partyId);
    if (party && party.inputArrival >= 0 && party.mode.mode !== "listen-only") addInto(mix, party.input);
  }

  private endPlayback(players: Map<string, Player>, id: string): void {
    players.delete(id);
    this.onPlaybackEnded(this.id, id);
  }
}

function addInto(mix: Int32Array, frame: Int16Array | Int32Array): void {
  for (let i = 0; i < mix.length; i++) mix[i] = (mix[i] as number) + (frame[i] as number);
}

function subtractFrom(mix: Int32Array, frame: Int16Array): void {
  for (let i = 0; i < mix.length; i++) mix[i] = (mix[i] as number) - (frame[i] as number);
}
