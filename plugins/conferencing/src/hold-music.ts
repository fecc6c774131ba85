/**
 * Music on hold through the media plane: a `provideHoldMedia` handler that opens a one-party room, joins the held
 * leg offerless (the room makes the offer the model sends in its hold re-INVITE) and plays the configured file to
 * it, looped, once the leg answered. The file is chosen per queue, then per agent DN, then the default. An MCU
 * that is down or refuses leaves the hold as it was (silence): music must never keep a hold from happening.
 */
import type { HoldMedia, HoldMediaRequest, Logger, MediaRooms } from "@tandem/sdk";
import type { HoldMusicConfig } from "./manifest.js";

export function musicFor(config: HoldMusicConfig, request: HoldMediaRequest): string {
  return (request.queue !== undefined ? config.queues[request.queue] : undefined) ?? config.dns[request.dn] ?? config.file;
}

export async function provideHoldMusic(
  rooms: () => MediaRooms,
  config: HoldMusicConfig,
  log: Logger,
  request: HoldMediaRequest,
): Promise<HoldMedia | null> {
  if (!config.enabled) return null;
  const source = musicFor(config, request);
  try {
    const room = await rooms().createRoom({ label: `hold-${request.connId}`, needs: { play: { loop: true } } });
    const party = await room.join({ partyId: "held" }).catch(async (err: unknown) => {
      await room.close().catch(() => undefined);
      throw err;
    });
    return {
      offer: party.localSdp,
      accept: async (answer) => {
        await party.accept(answer);
        await party.play({ source, loop: true });
      },
      reoffer: (offer) => party.reoffer(offer),
      stop: () => room.close(),
    };
  } catch (err) {
    log.warn({ err, connId: request.connId, source }, "no music on hold (the MCU refused); the call is held in silence");
    return null;
  }
}
