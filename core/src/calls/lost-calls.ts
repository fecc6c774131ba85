/**
 * Calls that outlive their process. While a call is answered its legs' dialogs are on disk (`recordDialogs`: once
 * at answer, again when a leg is replaced or the peer refreshes the target); after a crash the next start ends
 * them (`releaseLostCalls`): EventReleased with cause `lost-in-restart` for the agent's DN (and the DNs of a
 * consultation or conference party), so desktops drop the call, and a BYE on every recorded leg (RFC 3261 §15.1.1),
 * so phones and the customer are not left in a dead call. A leg in a conference room gets its BYE at the phone: the
 * room died with the process (or is a media server's that only Tandem knew the call of).
 */
import type { EventBus, SipLeg } from "@tandem/sdk";
import type { DialogRecovery } from "../sip/index.js";
import type { Call } from "./call.js";
import { CALLS_SOURCE } from "./call-events.js";
import type { CallModelContext } from "./call-model-context.js";
import type { CallStore, DialogParty, DialogSlot, OpenCallDialog } from "./call-store.js";
import type { CallRecord } from "./call-types.js";

/** The `cause` of the EventReleased a restart sends for a call the previous process had. */
export const LOST_IN_RESTART = "lost-in-restart";

/** A leg recorded as a party (`recordParty`): the call it belongs to, its row, and whom a restart tells. */
interface RecordedParty {
  connId: string;
  slot: DialogSlot;
  party: DialogParty;
}

/**
 * The legs recorded as parties, so a refresh, a departure or a move into the agent's slot finds their row without
 * a scan. Keyed by the leg object (a leg is a party of one call at a time) and weak, so an ended leg costs nothing.
 */
const recordedParties = new WeakMap<SipLeg, RecordedParty>();

/** Writes the dialog of each of the call's legs (no-op without a stack that can read them). */
export function recordDialogs(ctx: CallModelContext, call: Call): void {
  const dialogs = ctx.dialogs;
  if (!dialogs) return;
  for (const [role, leg] of [["customer", call.customerLeg], ["agent", call.agentLeg]] as const) {
    const record = leg && leg.state === "confirmed" ? dialogs.snapshot(leg) : undefined;
    if (!leg || !record) continue;
    ctx.store.saveDialog(call.connId, role, record);
    // A consultation's target that became the call's agent leg (a completed transfer) leaves its party row.
    forgetParty(ctx, leg);
    // Written again only when the peer moves the dialog's target (RFC 3261 §12.2.2), not per message.
    if (ctx.dialogRefreshed) dialogs.watch(leg, ctx.dialogRefreshed);
  }
}

/**
 * Writes the dialog of a leg of `call` beyond its customer and agent legs: a consultation's target (`party` names
 * the consult's ConnID and DNs) or a conference party (the call's ConnID and the party's agent DN). Once when the
 * leg is answered and again when it changes calls (a consult's target joining the conference), not per message.
 */
export function recordParty(ctx: CallModelContext, call: Call, leg: SipLeg, party: DialogParty): void {
  const dialogs = ctx.dialogs;
  const record = dialogs && leg.state === "confirmed" ? dialogs.snapshot(leg) : undefined;
  if (!dialogs || !record) return;
  const slot: DialogSlot = `party:${record.callId}`;
  ctx.store.saveDialog(call.connId, slot, record, party);
  recordedParties.set(leg, { connId: call.connId, slot, party });
  if (ctx.dialogRefreshed) dialogs.watch(leg, ctx.dialogRefreshed);
}

/** The leg left a call that goes on (a consult closed, a party left the conference): its row goes. */
export function forgetLeg(ctx: CallModelContext, call: Call, leg: SipLeg): void {
  if (forgetParty(ctx, leg)) return;
  const role = leg === call.customerLeg ? "customer" : leg === call.agentLeg ? "agent" : undefined;
  if (role !== undefined) ctx.store.forgetDialog(call.connId, role);
}

function forgetParty(ctx: CallModelContext, leg: SipLeg): boolean {
  const recorded = recordedParties.get(leg);
  if (!recorded) return false;
  recordedParties.delete(leg);
  ctx.store.forgetDialog(recorded.connId, recorded.slot);
  return true;
}

/**
 * The one listener every recorded leg shares (`CallModelContext.dialogRefreshed`): finds the leg's call and
 * writes the refreshed dialog. A scan of the live calls, on a re-INVITE only (rare next to other messages).
 */
export function dialogRefreshListener(ctx: CallModelContext, calls: ReadonlyMap<string, Call>): (leg: SipLeg) => void {
  return (leg) => {
    const recorded = recordedParties.get(leg);
    if (recorded) {
      const record = ctx.dialogs?.snapshot(leg);
      if (record) ctx.store.saveDialog(recorded.connId, recorded.slot, record, recorded.party);
      return;
    }
    for (const call of calls.values()) {
      const role = call.customerLeg === leg ? "customer" : call.agentLeg === leg ? "agent" : undefined;
      if (role === undefined || call.ended) continue;
      const record = ctx.dialogs?.snapshot(leg);
      if (record) ctx.store.saveDialog(call.connId, role, record);
      return;
    }
  };
}

/** What the previous process left open: its call records and their recorded dialogs. Read before they are closed. */
export interface LostCalls {
  calls: CallRecord[];
  dialogs: OpenCallDialog[];
}

export function findLostCalls(store: CallStore): LostCalls {
  const dialogs = store.leftoverDialogs();
  const calls = store.openCalls();
  return { calls, dialogs };
}

/**
 * Tells the desktops and the peers that the lost calls are over. Events first (the log is local and certain),
 * then the BYEs, each on its own: a peer that is gone too answers nothing and costs only its own time-out.
 */
export async function releaseLostCalls(
  lost: LostCalls,
  deps: { bus: EventBus; dialogs: DialogRecovery | undefined; store: CallStore; logger: CallModelContext["logger"] },
): Promise<void> {
  const told = new Set<string>();
  for (const call of lost.calls) {
    if (call.agentDn === undefined) continue;
    const data = {
      ani: call.ani ?? null,
      dnis: call.dnis,
      state: call.state,
      dns: [call.entryDn, call.agentDn],
      userData: call.userData,
      releasedBy: "system",
      cause: LOST_IN_RESTART,
    };
    deps.bus.emit("EventReleased", { dn: call.agentDn, connId: call.connId, source: CALLS_SOURCE, data });
    told.add(`${call.agentDn} ${call.connId}`);
  }
  // Legs beyond the customer and agent: the consulted agent (on the consult's own ConnID, as is the consulting
  // agent) and the other agents of a conference.
  for (const { connId, party } of lost.dialogs) {
    for (const dn of party?.dns ?? []) {
      const key = `${dn} ${party?.connId ?? connId}`;
      if (!party || told.has(key)) continue;
      told.add(key);
      const data = { releasedBy: "system", cause: LOST_IN_RESTART, ...(party.connId === connId ? {} : { heldConnId: connId }) };
      deps.bus.emit("EventReleased", { dn, connId: party.connId, source: CALLS_SOURCE, data });
    }
  }
  await Promise.all(
    lost.dialogs.map(async ({ connId, role, dialog }) => {
      const status = deps.dialogs ? await deps.dialogs.bye(dialog) : undefined;
      deps.logger.info({ connId, role, callId: dialog.callId, status }, "BYE sent on a leg of a call lost in a restart");
    }),
  );
  // Kept until the BYEs are done: a crash in between sends them again on the next start.
  deps.store.forgetDialogs([...new Set(lost.dialogs.map((d) => d.connId))]);
}
