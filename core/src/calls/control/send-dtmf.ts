/**
 * RequestSendDTMF as SIP INFO `application/dtmf-relay` on the customer's leg (the body CUCM and most PBX
 * trunks accept: `Signal=` / `Duration=` lines), one INFO per digit, in order. RFC 4733 events are media and
 * Tandem never touches RTP, so a PBX that refuses INFO gets the request refused with its status.
 */
import type { CallControlResult, DtmfRequest, SipLeg } from "@tandem/sdk";
import { asRequest, establishedCallOf, exclusive, reasonOf, type ControlContext } from "./control-context.js";
import { CallControlErrors } from "./errors.js";

const DIGITS = /^[0-9*#A-D]{1,32}$/;
/** Tone length announced to the far end, ms. */
const DURATION_MS = 160;

export async function sendDtmf(cc: ControlContext, request: DtmfRequest): Promise<CallControlResult> {
  const call = establishedCallOf(cc, request, "RequestSendDTMF");
  const digits = request.digits.toUpperCase();
  if (!DIGITS.test(digits)) throw CallControlErrors.badDigits(JSON.stringify(request.digits));
  const leg = call.customerLeg as SipLeg;
  await exclusive(call, "RequestSendDTMF", async () => {
    for (const digit of digits) {
      const response = await leg.info({ contentType: "application/dtmf-relay", body: `Signal=${digit}\r\nDuration=${DURATION_MS}\r\n` }).catch((err: unknown) => {
        throw CallControlErrors.sipFailed("RequestSendDTMF", call.connId, reasonOf(err));
      });
      if (response.status >= 300) throw CallControlErrors.sipFailed("RequestSendDTMF", call.connId, `INFO answered ${response.status} ${response.reason}`);
    }
  });
  asRequest(call, request, () => cc.ctx.events.emit("EventDTMFSent", call, request.dn, { thisDn: request.dn, digits }));
  return { connId: call.connId };
}
