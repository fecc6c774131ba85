/**
 * Calls that outlive their process. While a call is answered its legs' dialogs are on disk (`recordDialogs`: once
 * at answer, again when a leg is replaced or the peer refreshes the target); after a crash the next start ends
 * them (`releaseLostCalls`): EventReleased with cause `lost-in-restart` for the agent's DN, so desktops drop the
 * call, and a BYE on every recorded leg (RFC 3261 §15.1.1), so the agent's phone and the customer are not left in
 * a dead call.
 */
import type { EventBus, SipLeg } from "@tandem/sdk";
import type { DialogRecovery } from "../sip/index.js";
import type { Call } from "./call.js";
import { CALLS_SOURCE } from "./call-events.js";
import type { CallModelContext } from "./call-model-context.js";
import type { CallStore, OpenCallDialog } from "./call-store.js";
import type { CallRecord } from "./call-types.js";

/** The `cause` of the EventReleased a restart sends for a call the previous process had. */
export const LOST_IN_RESTART = "lost-in-restart";

/** Writes the dialog of each of the call's legs (no-op without a stack that can read them). */
export function recordDialogs(ctx: CallModelContext, call: Call): void {
  const dialogs = ctx.dialogs;
  if (!dialogs) return;
  for (const [role, leg] of [["customer", call.customerLeg], ["agent", call.agentLeg]] as const) {
    const record = leg && leg.state === "confirmed" ? dialogs.snapshot(leg) : undefined;
    if (!leg || !record) continue;
    ctx.store.saveDialog(call.connId, role, record);
    // Written again only when the peer moves the dialog's target (RFC 3261 §12.2.2), not per message.
    if (ctx.dialogRefreshed) dialogs.watch(leg, ctx.dialogRefreshed);
  }
}

/**
 * The one listener every recorded leg shares (`CallModelContext.dialogRefreshed`): finds the leg's call and
 * writes the refreshed dialog. A scan of the live calls, on a re-INVITE only (rare next to other messages).
 */
export function dialogRefreshListener(ctx: CallModelContext, calls: ReadonlyMap<string, Call>): (leg: SipLeg) => void {
  return (leg) => {
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
