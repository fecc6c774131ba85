/**
 * @tandem/plugin-supervision — T-Library supervision: RequestMonitorNextCall, RequestCancelMonitoring,
 * RequestSetMuteOn / RequestSetMuteOff, provided on `supervision.control` ({@link SUPERVISION_CONTROL}) for the
 * desktop plugin and under `/api/v1/plugins/supervision` for tools. A supervisor's phone is rung through the trunk
 * and joins the agent's call in a room of the `media` plugin in mode mute, coach or connect. See README.md.
 */
import { DEFAULT_MEDIA_ROOMS, DEFAULT_SUPERVISION_CONTROL, definePlugin, MEDIA_ROOMS, SUPERVISION_CONTROL, type MediaRooms } from "@tandem/sdk";
import { watchAgentCalls } from "./call-watch.js";
import { SupervisionErrors } from "./errors.js";
import { manifest, withDefaults, type SupervisionConfig } from "./manifest.js";
import { SupervisedCalls } from "./supervised-calls.js";
import { registerSupervisionApi } from "./supervision-api.js";
import { SupervisionService } from "./supervision-service.js";
import { TeamScope } from "./team-scope.js";

export { manifest, SUPERVISION_DEFAULTS, withDefaults, type SupervisionConfig, type SupervisionTeam } from "./manifest.js";
export { SupervisionErrors } from "./errors.js";

export default definePlugin<SupervisionConfig>({
  manifest,
  register(ctx) {
    const config = withDefaults(ctx.config);
    const mediaRooms = (): MediaRooms => {
      const rooms = ctx.extensions.get(MEDIA_ROOMS, DEFAULT_MEDIA_ROOMS);
      if (!rooms) throw SupervisionErrors.unavailable("supervision", MEDIA_ROOMS.id, DEFAULT_MEDIA_ROOMS);
      return rooms;
    };
    const joiner = new SupervisedCalls(ctx.extensions, mediaRooms, config.ringTimeoutMs, ctx.log);
    const service = new SupervisionService({ config, scope: new TeamScope(config.teams), dns: ctx.dns, bus: ctx.bus, joiner, log: ctx.log });
    ctx.extensions.provide(SUPERVISION_CONTROL, DEFAULT_SUPERVISION_CONTROL, service);
    registerSupervisionApi(ctx.http, service);
    const unwatch = watchAgentCalls(ctx.bus, service);
    ctx.onClose(async () => {
      unwatch();
      await service.closeAll();
    });
  },
});
