/**
 * The SDK's `SipVerbs` on top of the stack, plus the sip.js core delegate that feeds them: inbound INVITEs
 * are offered to `onInvite` handlers in order (unclaimed → 480), and a registry of live legs serves
 * in-dialog UPDATE (which our layer answers, not sip.js).
 */
import type { InboundInvite, SipTransportName, SipVerbs, Unsubscribe } from "@tandem/sdk";
import type { IncomingInviteRequest, IncomingRequestMessage, UserAgentCoreDelegate } from "sip.js/lib/core/index.js";
import type { Shard, StackPort } from "../stack-port.js";
import { createBridge } from "./bridge.js";
import { Inflight } from "../inflight.js";
import { InboundInviteImpl } from "./inbound-invite.js";
import { releaseHeadersWhenTerminated } from "../messages/invite-release.js";
import { requestInfo } from "../messages/message-info.js";
import { startOutboundCall } from "./outbound-call.js";
import { sendPlainRequest } from "./plain-request.js";
import { MIN_SE, parseSessionExpires } from "../extensions/session-timer.js";
import type { SipLegImpl } from "../dialogs/sip-leg.js";
import { SubscriptionImpl } from "../subscriptions/subscription.js";
import { handleUpdate } from "../extensions/update-handler.js";

type InviteHandler = (invite: InboundInvite) => boolean | Promise<boolean>;

export interface VerbsEngine {
  readonly verbs: SipVerbs;
  coreDelegate(index: number): UserAgentCoreDelegate;
  handleUpdate(message: IncomingRequestMessage, shard: Shard): boolean;
  stop(): void;
}

export function createVerbs(port: StackPort): VerbsEngine {
  const handlers: InviteHandler[] = [];
  const legs = new Map<string, SipLegImpl>();
  const inflight = new Inflight();
  const hooks = {
    track: (abort: () => void) => inflight.track(abort),
    onLeg: (leg: SipLegImpl) => legs.set(leg.session.id, leg),
    onGone: (leg: SipLegImpl) => {
      legs.delete(leg.session.id);
      // An answered inbound call is counted by admission control until its leg ends.
      if (leg.direction === "inbound") port.deps.admission?.release(leg.callId);
    },
    defaultTransport: () => defaultTransport(port),
  };

  const verbs: SipVerbs = {
    localUri: (user, transport) => port.contactUri(user, transport ?? defaultTransport(port)).toString(),
    onInvite(handler): Unsubscribe {
      handlers.push(handler);
      return () => {
        const i = handlers.indexOf(handler);
        if (i >= 0) handlers.splice(i, 1);
      };
    },
    invite: (options) => startOutboundCall(port, options, hooks),
    bridge: (a, b, options) => createBridge(a, b, options),
    subscribe: (options) => new SubscriptionImpl(port, options, defaultTransport(port), inflight),
    request: (options) => sendPlainRequest(port, options, defaultTransport(port), inflight),
  };

  const inbound = (uas: IncomingInviteRequest): void => {
    const message = uas.message;
    const source = port.sourceOf(message.viaBranch) ?? { transport: defaultTransport(port), address: "", port: 0 };
    // Overload (RFC 3261 §21.5.4): 503 with Retry-After (§20.33) before any dialog, call or event exists.
    const refusal = port.deps.admission?.admit({ callId: message.callId, dn: message.ruri?.user, sourceAddress: source.address });
    if (refusal) {
      uas.reject({ statusCode: 503, extraHeaders: [`Retry-After: ${refusal.retryAfterSeconds}`] });
      return;
    }
    // RFC 4028 §8.1: a Session-Expires below our Min-SE gets 422.
    const se = parseSessionExpires(message.getHeader("session-expires"));
    if (se && se.expires < MIN_SE) {
      port.deps.admission?.release(message.callId);
      uas.reject({ statusCode: 422, extraHeaders: [`Min-SE: ${MIN_SE}`] });
      return;
    }
    uas.trying(); // RFC 3261 §17.2.1: stop INVITE retransmissions while handlers decide.
    const invite = new InboundInviteImpl({
      uas,
      request: requestInfo(message, source),
      shard: port.shardFor(message.callId),
      port,
      transport: source.transport,
      onLeg: hooks.onLeg,
      onGone: hooks.onGone,
    });
    releaseHeadersWhenTerminated(uas);
    void offer(invite, [...handlers], port);
  };

  return {
    verbs,
    coreDelegate: () => ({
      onInvite: (uas) => inbound(uas),
      // Out-of-dialog NOTIFY that matches no subscription of ours (RFC 6665 §4.1.3): 481.
      onNotify: (uas) => uas.reject({ statusCode: 481 }),
      // We are no notifier (RFC 6665 §4.2.1: unknown package → 489).
      onSubscribe: (uas) => uas.reject({ statusCode: 489 }),
      onRefer: (uas) => uas.reject({ statusCode: 405 }),
      onRegister: (uas) => uas.reject({ statusCode: 405 }),
      // The stack answers MESSAGE 405 before sip.js sees it (sip-methods.ts); should one get here, the same answer.
      onMessage: (uas) => uas.reject({ statusCode: 405 }),
    }),
    handleUpdate: (message, shard) => handleUpdate(shard.core, message, legs),
    stop: () => {
      inflight.abortAll();
      for (const leg of [...legs.values()]) leg.end({ by: "local" });
      legs.clear();
      handlers.length = 0;
    },
  };
}

/** Asks each handler in turn; the first `true` owns the call, none → 480 (RFC 3261 §21.4.18). */
async function offer(invite: InboundInviteImpl, handlers: InviteHandler[], port: StackPort): Promise<void> {
  for (const handler of handlers) {
    try {
      if (await handler(invite)) return;
    } catch (error) {
      port.deps.logger.warn({ callId: invite.request.callId, err: String(error) }, "onInvite handler threw");
    }
    if (invite.cancelled) return;
  }
  invite.reject(480, { reason: "Temporarily Unavailable" });
}

function defaultTransport(port: StackPort): SipTransportName {
  return port.listeners.some((l) => l.transport === "udp") ? "udp" : (port.listeners[0]?.transport ?? "udp");
}
