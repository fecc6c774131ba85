/**
 * Ends a subscription that was given up before it existed: a DN removed while its first SUBSCRIBE was still
 * being retransmitted. The notifier may still accept that SUBSCRIBE; the dialog exists only once its NOTIFY
 * arrives (RFC 6665 §4.1.2.4, §4.2.1: the notifier MUST send one at once), so the unsubscribe (SUBSCRIBE with
 * Expires 0, RFC 6665 §4.1.2.3) goes at that NOTIFY. A refusal, a timeout or a terminated NOTIFY ends the wait
 * with nothing to send; the stack's Timer N bounds it when a 2xx comes with no NOTIFY.
 */
import type { Logger, SipSubscription } from "@tandem/sdk";

export function unsubscribeOnceEstablished(sub: SipSubscription, dn: string, log: Logger): void {
  const offs: Array<() => void> = [];
  const done = (): void => {
    for (const off of offs.splice(0)) off();
  };
  offs.push(
    sub.onNotify((notify) => {
      done();
      if (notify.state === "terminated") return;
      log.info({ dn, callId: sub.callId }, "presence: the SUBSCRIBE of a removed DN was accepted, unsubscribing");
      sub.unsubscribe().catch(() => undefined);
    }),
    sub.onTerminated(() => done()),
  );
}
