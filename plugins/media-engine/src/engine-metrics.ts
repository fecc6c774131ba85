/**
 * The engine's Prometheus metrics (`tandem_media_engine_…`). Workers keep their own counters; once a second the
 * plugin reads them and adds what grew since, so the metrics cost the mixer nothing per packet.
 */
import type { Metrics } from "@tandem/sdk";
import type { EngineStats, MediaEngine } from "./media-engine.js";
import { DROP_REASONS } from "./protocol.js";

type Totals = Pick<EngineStats, "packetsIn" | "packetsOut" | "framesLost" | "framesLate" | "framesDiscarded" | "ticksLate" | "framesSkipped"> & { dropped: EngineStats["dropped"] };

export class EngineMetrics {
  private last: Totals | undefined;
  private readonly counters;

  constructor(metrics: Metrics, engine: MediaEngine) {
    metrics.gauge({ name: "rooms", help: "Rooms open now", collect: () => engine.health().rooms });
    metrics.gauge({ name: "parties", help: "Parties in rooms now", collect: () => engine.health().parties });
    metrics.gauge({ name: "port_pairs_in_use", help: "RTP/RTCP port pairs in use", collect: () => engine.ports.inUse });
    metrics.gauge({ name: "port_pairs", help: "RTP/RTCP port pairs in the configured range", collect: () => engine.ports.capacity });
    metrics.gauge({ name: "workers_alive", help: "Mixer worker threads running", collect: () => engine.workerStates().filter((w) => w.alive).length });
    this.counters = {
      packetsIn: metrics.counter({ name: "rtp_received_total", help: "RTP and RTCP packets received" }),
      packetsOut: metrics.counter({ name: "rtp_sent_total", help: "RTP packets sent" }),
      dropped: metrics.counter({
        name: "rtp_dropped_total",
        help: "Packets dropped, by reason (foreign-source, malformed, oversize, foreign-ssrc, payload-type)",
        labelNames: ["reason"],
      }),
      framesLost: metrics.counter({ name: "frames_lost_total", help: "Party frames that never came and were played as silence" }),
      framesLate: metrics.counter({ name: "frames_late_total", help: "Party frames that came after their play-out time" }),
      framesDiscarded: metrics.counter({ name: "frames_discarded_total", help: "Party frames dropped from an overfull jitter buffer" }),
      ticksLate: metrics.counter({ name: "ticks_late_total", help: "Mixer ticks that started 10 ms or more after their due time" }),
      framesSkipped: metrics.counter({ name: "frames_skipped_total", help: "Mixer frames skipped because a worker fell over 100 ms behind" }),
    };
  }

  /** Adds what the workers counted since the last update (a stopped worker's counts start over with nothing). */
  update(stats: EngineStats): void {
    const last = this.last;
    const grow = (now: number, before: number | undefined): number => Math.max(0, now - (before ?? 0));
    for (const key of ["packetsIn", "packetsOut", "framesLost", "framesLate", "framesDiscarded", "ticksLate", "framesSkipped"] as const) {
      const delta = grow(stats[key], last?.[key]);
      if (delta > 0) this.counters[key].inc(undefined, delta);
    }
    for (const reason of DROP_REASONS) {
      const delta = grow(stats.dropped[reason], last?.dropped[reason]);
      if (delta > 0) this.counters.dropped.inc({ reason }, delta);
    }
    this.last = { ...stats, dropped: { ...stats.dropped } };
  }
}
