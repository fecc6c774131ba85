/**
 * The part every room-carrying {@link CallMediaOwner.connect} shares: once the owner has created the call's room,
 * each of the call's legs moves into it, and the connect either succeeds whole or leaves nothing behind.
 */
import type { CallMediaOwner, CallPartyLeg } from "./call-parties.js";
import type { McuRoom } from "./mcu-adapter.js";

/**
 * Moves every party into `room` (all at once, with `move`). If a move fails, `forget` drops the owner's record of
 * the call's room and the room is closed (a failing close is not reported: the move's error is what the caller
 * needs), then the move's error is thrown, so the call model keeps carrying the call's media itself.
 */
export async function moveLegsIntoRoom(
  room: McuRoom,
  parties: readonly CallPartyLeg[],
  move: (party: CallPartyLeg) => Promise<void>,
  forget: () => void,
): Promise<void> {
  try {
    await Promise.all(parties.map(move));
  } catch (err) {
    forget();
    await room.close().catch(() => undefined);
    throw err;
  }
}
