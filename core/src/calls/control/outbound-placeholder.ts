/**
 * The model's `Call` is built around the INVITE that brought it. A desktop's RequestMakeCall has none, so it
 * gets this stand-in: it names the destination as the far party (the model's "customer", whose ANI the events
 * show) and the agent's DN as the dialled number; answering or refusing it does nothing, because the far
 * party is reached by our own INVITE (make-call.ts), not by answering this one.
 */
import { SipError, type InboundInvite, type SipRequestInfo } from "@tandem/sdk";

export function outboundPlaceholder(agentDn: string, destination: string, localUri: (user: string) => string): InboundInvite {
  const destinationUri = localUri(destination);
  const request: SipRequestInfo = {
    method: "INVITE",
    ruri: localUri(agentDn),
    ruriUser: agentDn,
    callId: `make-call-${agentDn}-${Date.now()}`,
    cseq: 0,
    from: { uri: destinationUri, user: destination, host: "tandem" },
    to: { uri: localUri(agentDn), user: agentDn, host: "tandem" },
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
