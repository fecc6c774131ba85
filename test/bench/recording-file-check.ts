/**
 * What a recorded call's WAV holds compared with what the phones sent: both sides streamed their tone without a
 * break for the whole call, so every stretch of the file's left channel should carry the customer's tone alone and
 * every stretch of its right the agent's alone. The file is cut into 10 ms windows (a lost 20 ms frame leaves at
 * least one of them wholly silent, however the frames fall on the windows); a window without its side's tone
 * (silent, or another sound), or with the other side's tone, is counted. The first and last moments are left out:
 * the media reaches the room only once the recording's re-INVITEs are answered, and the customer stops streaming
 * just before its BYE. A window missing within NEAR_MS of a missing window on the other channel points at the
 * receiving end (Tandem or the machine it runs on: each side has its own sender, and each party its own jitter
 * buffer, so one stall shows on both channels a few tens of ms apart); one missing on one channel only points at
 * that side's sender.
 */
import { readWav, detectTones } from "@tandem/sdk/testing/media";

const WINDOW_MS = 10;
const NEAR_MS = 100;

export interface FileCheck {
  /** Length of the file, ms. */
  durationMs: number;
  /** 20 ms frames judged, per channel, over the checked stretch. */
  frames: number;
  /** ms of the checked stretch, per channel, without the side's tone (silent or other sound). */
  missingMs: { left: number; right: number };
  /** ms in which a channel carries the other side's tone. */
  crossMs: { left: number; right: number };
  /** ms missing on a channel within NEAR_MS of a gap on the other channel (counted in `missingMs` too). */
  bothMs: number;
  /** Where (ms into the file) the windows missing their tone start, both channels, at most 20. */
  missingAt: number[];
}

/** Checks `path` over [headMs, duration − tailMs]; `tones` are the customer's (left) and the agent's (right). */
export function checkRecordedFile(path: string, tones: { customer: number; agent: number }, headMs: number, tailMs: number): FileCheck {
  const wav = readWav(path);
  const [left, right] = wav.channels;
  if (!left || !right) throw new Error(`${path} has ${wav.channels.length} channel(s), not two`);
  const fromMs = headMs;
  const toMs = wav.durationMs - tailMs;
  const missingAt: number[] = [];
  const side = (pcm: Int16Array, own: number, other: number): { missing: number; cross: number; gaps: Set<number> } => {
    const windows = detectTones(pcm, { frequencies: [own, other], sampleRate: wav.sampleRate, windowMs: WINDOW_MS }).filter((w) => w.fromMs >= fromMs && w.toMs <= toMs);
    const missing = windows.filter((w) => !w.tones.includes(own));
    missingAt.push(...missing.slice(0, 10).map((w) => Math.round(w.fromMs)));
    return {
      missing: missing.length * WINDOW_MS,
      cross: windows.filter((w) => w.tones.includes(other)).length * WINDOW_MS,
      gaps: new Set(missing.map((w) => Math.round(w.fromMs))),
    };
  };
  const l = side(left, tones.customer, tones.agent);
  const r = side(right, tones.agent, tones.customer);
  return {
    durationMs: wav.durationMs,
    frames: Math.max(0, Math.floor((toMs - fromMs) / 20)),
    missingMs: { left: l.missing, right: r.missing },
    crossMs: { left: l.cross, right: r.cross },
    bothMs: (near(l.gaps, r.gaps) + near(r.gaps, l.gaps)) * WINDOW_MS,
    missingAt,
  };
}

/** How many of `gaps` (window starts, ms) have a gap of `other` within NEAR_MS. */
function near(gaps: ReadonlySet<number>, other: ReadonlySet<number>): number {
  const sorted = [...other].sort((a, b) => a - b);
  return [...gaps].filter((at) => sorted.some((o) => Math.abs(o - at) <= NEAR_MS)).length;
}
