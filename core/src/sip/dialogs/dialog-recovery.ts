/**
 * Crash recovery for dialogs (dialog-record.ts): `snapshot` reads a live leg's sip.js dialog; `bye` ends a dialog
 * that only a record remembers, on a fresh client transaction in the Call-ID's shard so the 200 finds its way back.
 */
import type { SipLeg } from "@tandem/sdk";
import { Dialog, type IncomingResponse } from "sip.js/lib/core/index.js";
import type { DialogRecord, DialogRecovery } from "../dialog-record.js";
import type { StackPort } from "../stack-port.js";
import { SipLegImpl } from "./sip-leg.js";
import { parseUri } from "../messages/uri-cache.js";

/**
 * Requests we may have sent in the dialog after its record was written (re-INVITEs for hold, session probes):
 * the record is written once, not per request, so the BYE's CSeq jumps past them. A UAS takes a CSeq more than
 * one higher than the last (RFC 3261 §12.2.2) but refuses a lower one with 500.
 */
const CSEQ_MARGIN = 1000;
const MAX_CSEQ = 2 ** 31 - 1; // RFC 3261 §8.1.1.5

/** How long a BYE waits for the stack to start listening (the call model starts before the stack does). */
const START_WAIT_MS = 30_000;

async function listening(port: StackPort): Promise<boolean> {
  const deadline = Date.now() + START_WAIT_MS;
  while (port.listeners.length === 0) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

export function createDialogRecovery(port: StackPort): DialogRecovery {
  const recovery: DialogRecovery = {
    watch(leg: SipLeg, listener: (leg: SipLeg) => void): void {
      if (leg instanceof SipLegImpl) leg.targetRefreshed = listener;
    },

    snapshot(leg: SipLeg): DialogRecord | undefined {
      if (!(leg instanceof SipLegImpl) || !(leg.session instanceof Dialog)) return undefined;
      const dialog = leg.session;
      return {
        callId: dialog.callId,
        localTag: dialog.localTag,
        remoteTag: dialog.remoteTag,
        localUri: dialog.localURI.toString(),
        remoteUri: dialog.remoteURI.toString(),
        remoteTarget: dialog.remoteTarget.toString(),
        routeSet: [...dialog.routeSet],
        localSeq: dialog.localSequenceNumber ?? 0,
        transport: leg.transport,
      };
    },

    async bye(record: DialogRecord): Promise<number> {
      if (!(await listening(port))) return 503;
      return new Promise((resolve) => {
        const shard = port.shardFor(record.callId);
        // RFC 3261 §12.2.1.1: To/From from the remote/local URI and tags, Request-URI the remote target, Route
        // the route set (loose routing, as sip.js's own dialogs do).
        const message = shard.core.makeOutgoingRequestMessage(
          "BYE",
          parseUri(record.remoteTarget),
          parseUri(record.localUri),
          parseUri(record.remoteUri),
          {
            callId: record.callId,
            cseq: Math.min(record.localSeq + CSEQ_MARGIN, MAX_CSEQ),
            fromTag: record.localTag,
            toTag: record.remoteTag,
            routeSet: record.routeSet,
          },
          ["Reason: SIP;cause=500;text=\"lost in restart\""],
        );
        const final = (response: IncomingResponse): void => resolve(response.message.statusCode ?? 500);
        try {
          shard.core.request(message, { onAccept: final, onReject: final, onRedirect: final });
        } catch {
          resolve(503);
        }
      });
    },
  };
  return recovery;
}
