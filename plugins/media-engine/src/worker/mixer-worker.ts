/**
 * A mixer worker thread: owns the sockets, jitter buffers, players and recorders of its rooms and mixes them on its
 * own 20 ms clock, so that a busy room never delays SIP signalling on the main thread. It does what the main thread
 * asks (protocol.ts) and reports what happens (inactivity, telephone-events, playbacks ended).
 */
import { parentPort, workerData } from "node:worker_threads";
import { DROP_REASONS, type WorkerEnvelope, type WorkerEvent, type WorkerMessage, type WorkerStats } from "../protocol.js";
import { FRAME_MS, MixerClock } from "./mixer-clock.js";
import { MixRoom } from "./mix-room.js";
import { RoomControl, WorkerRefusal, type MixerSettings } from "./room-control.js";

const port = parentPort;
if (!port) throw new Error("mixer-worker runs only as a worker thread");

/** Latency histogram buckets: one per millisecond, the last for everything longer. */
const LATENCY_BUCKETS = 501;
const HOUSEKEEPING_TICKS = 1000 / FRAME_MS;

const stats: WorkerStats = {
  packetsIn: 0,
  packetsOut: 0,
  dropped: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as WorkerStats["dropped"],
  framesLost: 0,
  framesLate: 0,
  framesDiscarded: 0,
  ticks: 0,
  ticksLate: 0,
  framesSkipped: 0,
  latencyMs: [],
  rooms: 0,
  parties: 0,
};
const latency = new Float64Array(LATENCY_BUCKETS);
const rooms = new Map<string, MixRoom>();

function post(message: WorkerMessage): void {
  port?.postMessage(message);
}

function emit(event: WorkerEvent): void {
  post({ kind: "event", event });
}

const control = new RoomControl(rooms, stats, workerData as MixerSettings, emit);

const arrivals: number[] = [];
function tick(now: number): void {
  stats.ticks++;
  for (const room of rooms.values()) room.tick(arrivals);
  if (arrivals.length > 0) {
    const sent = performance.now();
    for (const at of arrivals) {
      const bucket = Math.min(LATENCY_BUCKETS - 1, Math.floor(sent - at));
      latency[bucket] = (latency[bucket] ?? 0) + 1;
    }
    arrivals.length = 0;
  }
  if (stats.ticks % HOUSEKEEPING_TICKS === 0) control.housekeeping(now);
}

function skip(frames: number): void {
  stats.framesSkipped += frames;
  for (const room of rooms.values()) for (const party of room.parties.values()) party.skip(frames);
}

const clock = new MixerClock(tick, () => stats.ticksLate++, skip);
clock.start();

port.on("message", (envelope: WorkerEnvelope) => {
  control
    .handle(envelope.request, () => ({ ...stats, dropped: { ...stats.dropped }, latencyMs: Array.from(latency) }))
    .then(
      (value) => post({ kind: "reply", id: envelope.id, ok: true, value }),
      (err: unknown) => {
        const refusal = err instanceof WorkerRefusal ? err : new WorkerRefusal("wrong-state", (err as Error).message);
        post({ kind: "reply", id: envelope.id, ok: false, failure: refusal.failure, message: refusal.message });
      },
    );
});
