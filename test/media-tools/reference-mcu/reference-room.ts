/**
 * A room of the reference mixer: every 20 ms each listener gets the sum of the frames of the parties it may
 * hear (by their modes), what is played to the room and to it alone; recordings get their channels' sums.
 */
import { mcuAbilities, McuErrors, type McuAbilities, type McuEvent, type McuJoinRequest, type McuParty, type McuPartyMode, type McuPlayback, type McuPlayRequest, type McuRecordRequest, type McuRecording, type McuRoom } from "@tandem/sdk";
import { SAMPLES_PER_FRAME } from "@tandem/sdk/testing/media";
import { ReferencePlayback, ReferenceRecording } from "./reference-media.js";
import { ReferenceParty } from "./reference-party.js";
import type { ReferenceMcu } from "./reference-mcu.js";

const NAME = "reference";

function hears(listener: ReferenceParty, speaker: ReferenceParty, leakListenOnly: boolean): boolean {
  if (listener === speaker) return false;
  if (speaker.mode.mode === "speak-listen") return true;
  if (speaker.mode.mode === "listen-only") return leakListenOnly;
  return speaker.mode.to.includes(listener.id);
}

function mix(frames: ReadonlyArray<Int16Array | undefined>): Int16Array {
  const out = new Int16Array(SAMPLES_PER_FRAME);
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (const f of frames) sum += f?.[i] ?? 0;
    out[i] = Math.max(-32768, Math.min(32767, sum));
  }
  return out;
}

let roomIds = 1;

export class ReferenceRoom implements McuRoom {
  readonly id = `room-${roomIds++}`;
  readonly members = new Map<string, ReferenceParty>();
  private readonly roomPlays = new Set<ReferencePlayback>();
  private readonly partyPlays = new Map<ReferenceParty, Set<ReferencePlayback>>();
  private readonly recordings: Array<{ recording: ReferenceRecording; request: McuRecordRequest }> = [];
  closed = false;

  constructor(private readonly mcu: ReferenceMcu) {}

  get roomId(): string {
    return this.id;
  }

  get telephoneEvents(): boolean {
    return this.mcu.capabilities.telephoneEvents;
  }

  get abilities(): McuAbilities {
    return mcuAbilities(this.mcu.capabilities);
  }

  get ignoreFreshAnswer(): boolean {
    return this.mcu.options.ignoreFreshAnswer === true;
  }

  report(event: McuEvent): void {
    this.mcu.report(event);
  }

  parties(): readonly string[] {
    return [...this.members.keys()];
  }

  async join(request: McuJoinRequest): Promise<McuParty> {
    const id = request.partyId ?? `party-${this.members.size + 1}`;
    if (this.members.has(id)) throw McuErrors.duplicateParty(NAME, id, this.id);
    if (this.members.size >= this.mcu.capabilities.limits.partiesPerRoom) throw McuErrors.limit(NAME, `${this.mcu.capabilities.limits.partiesPerRoom} parties per room`);
    const mode = request.mode ?? { mode: "speak-listen" };
    this.mcu.checkMode(mode);
    if (request.offer === undefined && !this.abilities.offerlessJoin) throw McuErrors.unsupported(NAME, "an offerless join");
    if (request.inactivityMs !== undefined && !this.abilities.inactivityReports) throw McuErrors.unsupported(NAME, "party inactivity reports");
    const party = await ReferenceParty.open(id, this, mode, request.offer);
    if (request.inactivityMs !== undefined) party.inactivityMs = request.inactivityMs;
    if (this.mcu.options.omitOffer) Object.defineProperty(party, "offer", { value: undefined });
    this.members.set(id, party);
    return party;
  }

  setMode(party: ReferenceParty, mode: McuPartyMode): void {
    this.mcu.checkMode(mode);
    const apply = (): void => void (party.mode = mode);
    if (this.mcu.options.modeSwitchDelayMs) setTimeout(apply, this.mcu.options.modeSwitchDelayMs);
    else apply();
  }

  async play(request: McuPlayRequest, party?: ReferenceParty): Promise<McuPlayback> {
    const caps = this.mcu.capabilities.play;
    if (!caps) throw McuErrors.unsupported(NAME, "play");
    if (request.loop && !caps.loop) throw McuErrors.unsupported(NAME, "play loop");
    const playback = ReferencePlayback.fromFile(request.source, request.loop ?? false);
    if (party) {
      const set = this.partyPlays.get(party) ?? new Set();
      set.add(playback);
      this.partyPlays.set(party, set);
    } else this.roomPlays.add(playback);
    return playback;
  }

  async record(request: McuRecordRequest): Promise<McuRecording> {
    const caps = this.mcu.capabilities.record;
    if (!caps?.layouts.includes(request.channels.layout)) throw McuErrors.unsupported(NAME, `${request.channels.layout} recording`);
    const recording = new ReferenceRecording(request.target, request.channels.layout === "mono" ? 1 : 2, () => {
      if (!caps.pause) throw McuErrors.unsupported(NAME, "recording pause");
    });
    this.recordings.push({ recording, request });
    return recording;
  }

  async leave(party: ReferenceParty): Promise<void> {
    if (!this.members.delete(party.id)) throw McuErrors.unknownParty(NAME, party.id, this.id);
    for (const p of this.partyPlays.get(party) ?? []) p.end();
    this.partyPlays.delete(party);
    if (this.mcu.options.leakPortOnLeave) this.mcu.leaked.push(party);
    else await party.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const party of [...this.members.values()]) await this.leave(party);
    for (const p of this.roomPlays) p.end();
    this.mcu.forget(this);
  }

  /** One 20 ms step of the mix. */
  tick(): void {
    this.watchInactivity();
    const frames = new Map([...this.members.values()].map((p) => [p, p.takeFrame()] as const));
    const played = [...this.roomPlays].map((p) => p.next());
    for (const p of [...this.roomPlays]) if (p.done) this.roomPlays.delete(p);
    const roomSound = mix(played);
    for (const listener of this.members.values()) {
      const own = [...(this.partyPlays.get(listener) ?? [])].map((p) => p.next());
      const heard = [...frames].filter(([speaker]) => hears(listener, speaker, this.mcu.options.leakListenOnly ?? false)).map(([, f]) => f);
      listener.send(mix([roomSound, ...own, ...heard]));
    }
    for (const { recording, request } of this.recordings) {
      const sum = (ids: readonly string[] | undefined): Int16Array => mix([...frames].filter(([p]) => (ids ? ids.includes(p.id) : p.mode.mode !== "listen-only")).map(([, f]) => f));
      const channels = request.channels.layout === "mono" ? [mix([roomSound, sum(undefined)])] : [sum(request.channels.left), sum(request.channels.right)];
      recording.append(channels);
    }
  }

  /** Reports, once per silence, each party that sent nothing for its inactivityMs. */
  private watchInactivity(): void {
    const now = Date.now();
    for (const party of this.members.values()) {
      if (party.inactiveReported || now - party.lastMediaAt < party.inactivityMs) continue;
      party.inactiveReported = true;
      this.report({ type: "party-inactive", roomId: this.id, partyId: party.id, inactiveMs: now - party.lastMediaAt });
    }
  }
}
