/**
 * Messages between the engine's control side (main thread) and its mixer workers. The main thread only decides
 * (ports, SDP, limits); a worker owns the sockets, the clock and the audio of its rooms.
 */
import type { G711Codec } from "./worker/g711.js";

/** A party's mode as the mixer applies it. */
export type WireMode = { mode: "speak-listen" } | { mode: "listen-only" } | { mode: "whisper"; to: string[] };

/** Where and how a party's media goes, from the negotiated SDP. */
export interface RemoteMedia {
  /** The host the SDP signalled: RTP and RTCP are accepted from this address only. */
  readonly host: string;
  readonly rtpPort: number;
  readonly rtcpPort: number;
  readonly codec: G711Codec;
  readonly payloadType: number;
  /** RFC 4733 payload type the party uses, or -1. */
  readonly telephoneEventPt: number;
  /** The party sends media (sendrecv/sendonly): watched for inactivity. */
  readonly sends: boolean;
  /** The party takes media (sendrecv/recvonly, a real address and port): the mix is sent to it. */
  readonly receives: boolean;
}

/** Two-channel or mono layout, with party ids per channel. */
export type WireLayout = { layout: "mono" } | { layout: "two-channel"; left: string[]; right: string[] };

export type WorkerRequest =
  | { op: "open-room"; roomId: string }
  | { op: "close-room"; roomId: string }
  | { op: "join"; roomId: string; partyId: string; address: string; port: number; remote: RemoteMedia | null; mode: WireMode; inactivityMs: number }
  | { op: "remote"; roomId: string; partyId: string; remote: RemoteMedia }
  | { op: "mode"; roomId: string; partyId: string; mode: WireMode }
  | { op: "leave"; roomId: string; partyId: string }
  | { op: "play"; roomId: string; partyId: string | null; playbackId: string; source: string; loop: boolean }
  | { op: "stop-play"; roomId: string; playbackId: string }
  | { op: "record"; roomId: string; recordingId: string; target: string; layout: WireLayout }
  | { op: "record-pause" | "record-resume"; roomId: string; recordingId: string }
  | { op: "record-stop"; roomId: string; recordingId: string }
  | { op: "stats" };

/** A request with its correlation id. */
export interface WorkerEnvelope {
  readonly id: number;
  readonly request: WorkerRequest;
}

/** Why a worker refused a request, for the main thread to turn into a coded error. */
export type WorkerFailure = "port-in-use" | "bind" | "unknown-room" | "unknown-party" | "play" | "record" | "wrong-state";

/** Counters a worker keeps since it started (the main thread turns differences into metrics). */
export interface WorkerStats {
  packetsIn: number;
  packetsOut: number;
  /** Packets dropped, by why. */
  dropped: Record<DropReason, number>;
  /** Frames played as silence because they never came (gaps in sequence numbers). */
  framesLost: number;
  /** Frames that came after their play-out time. */
  framesLate: number;
  /** Frames dropped because a party's buffer overfilled. */
  framesDiscarded: number;
  /** Mixer ticks run, and those that started 10 ms or more after their due time. */
  ticks: number;
  ticksLate: number;
  /** Frames not mixed at all because the worker fell too far behind (each party's RTP clock jumped over them). */
  framesSkipped: number;
  /** Time a frame spent in the engine, arrival to the mix that carried it being sent, per ms (index = ms, last = more). */
  latencyMs: number[];
  rooms: number;
  parties: number;
}

/** Why a received packet was dropped. */
export type DropReason = "foreign-source" | "malformed" | "oversize" | "foreign-ssrc" | "payload-type";

export const DROP_REASONS: readonly DropReason[] = ["foreign-source", "malformed", "oversize", "foreign-ssrc", "payload-type"];

export type WorkerEvent =
  | { type: "party-inactive"; roomId: string; partyId: string; inactiveMs: number }
  | { type: "telephone-event"; roomId: string; partyId: string; event: string; durationMs: number }
  | { type: "playback-ended"; roomId: string; playbackId: string };

export type WorkerMessage =
  | { kind: "reply"; id: number; ok: true; value?: unknown }
  | { kind: "reply"; id: number; ok: false; failure: WorkerFailure; message: string }
  | { kind: "event"; event: WorkerEvent };
