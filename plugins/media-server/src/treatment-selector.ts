/**
 * Which announcement a queue gets: `treatments.queues.<queue>` when listed (`null` = none, the caller keeps
 * ringback), else `treatments.default`, else none.
 */
import type { TreatmentsConfig } from "./manifest.js";
import type { Announcement } from "./netann-uri.js";

export function selectTreatment(treatments: TreatmentsConfig, queue: string): Announcement | null {
  const queues = treatments.queues ?? {};
  const spec = Object.prototype.hasOwnProperty.call(queues, queue) ? queues[queue] : treatments.default;
  if (spec === undefined || spec === null) return null;
  return { play: spec.play, repeat: spec.repeat ?? "forever" };
}
