/**
 * The model's `Call` is built around the INVITE that brought it. A desktop's RequestMakeCall (or consultation)
 * has none, so it gets this stand-in, shaped as the INVITE the agent's phone would have sent: From is the agent
 * (the calling party, the events' `ani`) and the dialled number the destination (the called party, `dnis`; with
 * `callType: "Outbound"` also the call's far party). Answering or refusing it does nothing, because the far
 * party is reached by our own INVITE (make-call.ts), not by answering this one.
 */
import { SipError, type InboundInvite, type SipRequestInfo } from "@tandem/sdk";

export function outboundPlaceholder(agentDn: string, destination: string, localUri: (user: string) => string): InboundInvite {
  const destinationUri = localUri(destination);
  const request: SipRequestInfo = {
    method: "INVITE",
    ruri: destinationUri,
    ruriUser: destination,
    callId: `make-call-${agentDn}-${Date.now()}`,
    cseq: 0,
    from: { uri: localUri(agentDn), user: agentDn, host: "tandem" },
    to: { uri: destinationUri, user: destination, host: "tandem" },
    body: "",
    source: { transport: "udp", address: "127.0.0.1", port: 0 },
    header: () => undefined,
    headers: () => [],
  };
  return {
    request,
    dn: destination,
    offer: undefined,
    cancelled: false,
    progress: () => undefined,
    accept: () => Promise.reject(new SipError(500, "a make-call has no inbound INVITE to answer")),
    reject: () => undefined,
    onCancel: () => undefined,
  };
}
