/**
 * @tandem/plugin-conferencing — the T-Library conference requests (RequestInitiateConference,
 * RequestCompleteConference, RequestMergeCalls, RequestSingleStepConference, RequestDeleteFromConference),
 * provided on `conferencing.control` ({@link CONFERENCE_CONTROL}) for the desktop plugin. The call model keeps
 * parties, agents and events (`core.call-parties`); this plugin moves the legs into a room of the `media` plugin
 * and decides what happens when parties leave or the room is lost. It also plays music on hold (the
 * `provideHoldMedia` hook) from a one-party room. See README.md.
 */
import { CONFERENCE_CONTROL, DEFAULT_CONFERENCE_CONTROL, DEFAULT_MEDIA_ROOMS, definePlugin, MEDIA_ROOMS, provideHoldMedia, type MediaRooms } from "@tandem/sdk";
import { callPartiesOf, createConferenceControl } from "./conference-control.js";
import { ConferenceRooms } from "./conference-rooms.js";
import { ConferencingErrors } from "./errors.js";
import { provideHoldMusic } from "./hold-music.js";
import { manifest, withDefaults, type ConferencingConfig } from "./manifest.js";
import { watchMediaLoss } from "./media-loss.js";

export { manifest, CONFERENCING_DEFAULTS, DEFAULT_HOLD_MUSIC, withDefaults, type ConferencingConfig, type HoldMusicConfig } from "./manifest.js";
export { ConferencingErrors } from "./errors.js";

export default definePlugin<ConferencingConfig>({
  manifest,
  register(ctx) {
    const config = withDefaults(ctx.config);
    const mediaRooms = (): MediaRooms => {
      const rooms = ctx.extensions.get(MEDIA_ROOMS, DEFAULT_MEDIA_ROOMS);
      if (!rooms) throw ConferencingErrors.unavailable("RequestCompleteConference", MEDIA_ROOMS.id, DEFAULT_MEDIA_ROOMS);
      return rooms;
    };
    const conferences = new ConferenceRooms(mediaRooms, config, ctx.log);
    ctx.extensions.provide(CONFERENCE_CONTROL, DEFAULT_CONFERENCE_CONTROL, createConferenceControl({ extensions: ctx.extensions, bus: ctx.bus, rooms: conferences, config }));
    ctx.hooks.tap(provideHoldMedia, (request) => provideHoldMusic(mediaRooms, config.holdMusic, ctx.log, request));
    let unwatch: (() => void) | undefined;
    ctx.onReady(() => {
      unwatch = watchMediaLoss({
        rooms: mediaRooms(),
        conferences,
        parties: () => callPartiesOf(ctx.extensions, "media loss"),
        bus: ctx.bus,
        log: ctx.log,
      });
    });
    ctx.onClose(() => unwatch?.());
  },
});
