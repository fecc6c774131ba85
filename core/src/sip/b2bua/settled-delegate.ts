/**
 * The delegate sip.js keeps for our INVITE once its call settled (outbound-call.ts), for the dialog's life.
 */
import type { AckableIncomingResponseWithSession, OutgoingInviteRequest, OutgoingInviteRequestDelegate } from "sip.js/lib/core/index.js";
import type { StackPort } from "../stack-port.js";

/**
 * What an INVITE needs once its call settled: the CANCEL owed (`owedCancel`, a reason or "") goes out with the first
 * provisional response (RFC 3261 §9.1), and every 2xx but the one of the leg we kept (`keptSessionId`, which
 * sip.js re-ACKs itself) is ACKed and ended with BYE (§13.2.2.4).
 */
export function settledDelegate(
  request: OutgoingInviteRequest,
  keptSessionId: string | undefined,
  owedCancel: string | undefined,
  port: StackPort,
  callId: string,
): OutgoingInviteRequestDelegate {
  return new SettledDelegate(request, keptSessionId, owedCancel, port, callId);
}

/** Kept by sip.js for the dialog's life: a small object with prototype methods rather than closures. */
class SettledDelegate implements OutgoingInviteRequestDelegate {
  constructor(
    private readonly request: OutgoingInviteRequest,
    private readonly keptSessionId: string | undefined,
    private owed: string | undefined,
    private readonly port: StackPort,
    private readonly callId: string,
  ) {}

  onTrying(): void {
    this.provisional();
  }

  onProgress(): void {
    this.provisional();
  }

  onAccept(response: AckableIncomingResponseWithSession): void {
    if (response.session.id !== this.keptSessionId) ackAndBye(response);
  }

  private provisional(): void {
    if (this.owed === undefined) return;
    const reason = this.owed || undefined;
    this.owed = undefined;
    try {
      this.request.cancel(reason);
    } catch (error) {
      this.port.deps.logger.debug({ callId: this.callId, err: String(error) }, "CANCEL not sent");
    }
  }
}

export function ackAndBye(response: AckableIncomingResponseWithSession): void {
  try {
    response.ack();
    response.session.bye();
  } catch {
    /* already confirmed or gone */
  }
}
