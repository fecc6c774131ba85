/**
 * Queue music without a media server: when none is in service (none configured, or every one held down) and the
 * `media` plugin offers rooms (the embedded engine, or a vendor's MCU), the caller's offer joins a one-party room
 * whose answer is the early media (RFC 3960), and the room plays `embeddedMusic` to it, looped, until the core
 * stops the treatment. A room lost (the MCU failed) ends the treatment as a media server's BYE would.
 */
import type { Logger, MediaRooms, Treatment, TreatmentRequest } from "@tandem/sdk";

export async function startEmbeddedTreatment(rooms: MediaRooms, music: string, request: TreatmentRequest, log: Logger): Promise<Treatment> {
  const room = await rooms.createRoom({ label: `treatment-${request.connId}`, needs: { play: { loop: true } } });
  let lost = (): void => undefined;
  const ended = new Promise<void>((resolve) => (lost = resolve));
  const unwatch = rooms.onEvent((event) => {
    if (event.type === "room-lost" && event.roomId === room.id) lost();
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    unwatch();
    await room.close().catch((err: unknown) => log.warn({ err, connId: request.connId }, "closing the treatment room failed"));
  };
  try {
    const caller = await room.join({ partyId: "caller", offer: request.offer });
    await caller.play({ source: music, loop: true });
    // Aborted before the core took the treatment (the caller hung up, an agent answered first): nothing to keep.
    if (request.signal.aborted) await stop();
    return { server: rooms.adapterName, media: music, sdp: caller.localSdp, stop, ended };
  } catch (err) {
    await stop();
    throw err;
  }
}
