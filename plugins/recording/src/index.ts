/**
 * @tandem/plugin-recording — call recording. A call is recorded when its agent's DN or its queue is marked
 * `record: true` in the plugin's config, when its user data asks for it (the routing strategy, or attached
 * data), or on request (desktop RequestPrivateService 3013–3016 through `recording.control`, or the admin API).
 * The call's legs move into a room of the `media` plugin, recorded as two-channel WAV (customer left, agents
 * right), paused stretches silent. Files and their index (`recording__recordings`) are served by the admin API
 * and kept for `retentionDays`. See README.md.
 */
import { DEFAULT_MEDIA_ROOMS, DEFAULT_RECORDING_CONTROL, definePlugin, MEDIA_ROOMS, RECORDING_CONTROL, type MediaRooms } from "@tandem/sdk";
import { CallFacts } from "./call-facts.js";
import { CallRecordings } from "./call-recordings.js";
import { RecordingErrors } from "./errors.js";
import { manifest, withDefaults, type RecordingConfig } from "./manifest.js";
import { registerRecordingApi } from "./recording-api.js";
import { RecordingFiles } from "./recording-files.js";
import { RecordingIndex } from "./recording-index.js";
import { watchTriggers } from "./recording-triggers.js";
import { closeUnfinished, startSweep } from "./retention-sweep.js";
import { srsUris } from "./siprec/srs-targets.js";

export { manifest, RECORDING_DEFAULTS, withDefaults, type RecordingConfig, type RecordFlag, type SiprecConfig } from "./manifest.js";
export { RecordingErrors } from "./errors.js";
export { RecordingIndex, type RecordingRow, type RecordingStatus } from "./recording-index.js";

export default definePlugin<RecordingConfig>({
  manifest,
  register(ctx) {
    const config = withDefaults(ctx.config);
    const index = new RecordingIndex(ctx.storage);
    const files = new RecordingFiles(config.folder);
    const mediaRooms = (): MediaRooms => {
      const rooms = ctx.extensions.get(MEDIA_ROOMS, DEFAULT_MEDIA_ROOMS);
      if (!rooms) throw RecordingErrors.unavailable("recording", MEDIA_ROOMS.id, DEFAULT_MEDIA_ROOMS);
      return rooms;
    };
    const facts = new CallFacts();
    const deps = { index, files, bus: ctx.bus, log: ctx.log, minFreeBytes: config.minFreeBytes, diskCheckMs: config.diskCheckMs };
    const srs = config.siprec?.srs;
    const siprec = srs ? { uris: () => srsUris(ctx.dns, srs), answerMs: config.siprec?.answerMs ?? 8000 } : undefined;
    const recordings = new CallRecordings(ctx.extensions, mediaRooms, facts, deps, ctx.log, ctx.sip, siprec);
    ctx.extensions.provide(RECORDING_CONTROL, DEFAULT_RECORDING_CONTROL, recordings);
    registerRecordingApi(ctx.http, { index, files, control: recordings });
    const stops = [facts.watch(ctx.bus), watchTriggers(ctx.bus, config, facts, recordings, ctx.log)];
    const sweepDeps = { index, files, retentionDays: config.retentionDays, log: ctx.log };
    ctx.onReady(async () => {
      await files.ensureFolder();
      const closed = await closeUnfinished(sweepDeps);
      if (closed) ctx.log.warn({ closed }, "recordings left unfinished by the previous run are marked failed");
      stops.push(startSweep(sweepDeps, config.sweepIntervalMs));
    });
    ctx.onClose(async () => {
      for (const stop of stops) stop();
      await recordings.closeAll();
    });
  },
});
