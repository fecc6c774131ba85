/** One case's world: a fresh adapter, a room on it, the parties joined to it, and scratch files; all ended after. */
import type { McuAdapter, McuRoom } from "../../mcu-adapter.js";
import { scratchFolder } from "./kit-checks.js";
import { answerFreshOffer, joinKitParty, type KitJoinOptions, type KitParty } from "./kit-party.js";

/** Options of the conformance suite (see `mcuConformanceCases`). */
export interface McuConformanceOptions {
  /** Makes the adapter one case runs against; called once per case, so cases do not share state. */
  createAdapter(): McuAdapter | Promise<McuAdapter>;
  /** Ends an adapter `createAdapter` made (stops its workers, closes its sockets). */
  disposeAdapter?(adapter: McuAdapter): void | Promise<void>;
  /** The longest a mode change may take to be heard, ms; default 100. */
  modeSwitchMs?: number;
  /** Declared limits up to this are tried for real: one more room or party than declared must be refused. Default 6. */
  limitProbe?: number;
}

/** What a case gets. */
export interface KitRoomContext {
  readonly adapter: McuAdapter;
  readonly room: McuRoom;
  /** A folder for files the case plays or records. */
  readonly folder: string;
  /** Joins a conformance party; it is released when the case ends. */
  join(options: KitJoinOptions): Promise<KitParty>;
  /** Answers the adapter's fresh `offer` to `party` from a new socket (see `answerFreshOffer`); released when the case ends. */
  answerFreshOffer(party: KitParty, offer: string): Promise<KitParty>;
}

/** Runs `body` with a fresh adapter and room, then closes the room, the parties' sockets and the adapter. */
export async function inKitRoom(options: McuConformanceOptions, body: (context: KitRoomContext) => Promise<void>): Promise<void> {
  const adapter = await options.createAdapter();
  const scratch = scratchFolder();
  const parties: KitParty[] = [];
  let room: McuRoom | undefined;
  try {
    room = await adapter.createRoom({ label: "conformance" });
    const open = room;
    await body({
      adapter,
      room: open,
      folder: scratch.path,
      join: async (joinOptions) => {
        const party = await joinKitParty(open, joinOptions);
        parties.push(party);
        return party;
      },
      answerFreshOffer: async (party, offer) => {
        const moved = await answerFreshOffer(party, offer);
        parties.push(moved);
        return moved;
      },
    });
  } finally {
    for (const party of parties) party.rtp.stopSending();
    await room?.close().catch(() => undefined);
    await Promise.all(parties.map((p) => p.close().catch(() => undefined)));
    await options.disposeAdapter?.(adapter);
    scratch.dispose();
  }
}
