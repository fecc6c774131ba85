/**
 * The INVITE we received, as sip.js parsed it: the SDK's request view (message-info.ts) keeps it for the call's
 * life, so its parsed headers are let go once its transaction has terminated (RFC 6026 Timer L). sip.js's own
 * hold on the transaction ends then too (initial-transaction.ts).
 */
import {
  InviteUserAgentServer,
  TransactionState,
  type IncomingInviteRequest,
  type IncomingRequestMessage,
  type IncomingResponseMessage,
} from "sip.js/lib/core/index.js";
import { parseSipMessage } from "../parser/parse-message.js";

const released = new WeakSet<object>();

/**
 * The INVITE we received, parsed headers and all (~1.3 KB a call). Once its transaction is Terminated (Timer L
 * after our 2xx, RFC 6026 §8.7; Timer H or I after a non-2xx) sip.js no longer reads it, so the parsed headers
 * and Request-URI are dropped. The message text (`data`) and the other fields set from it stay;
 * `readableHeaders()` parses that text again for a late reader (the SDK's `request.header()`).
 */
export function releaseHeadersWhenTerminated(uas: IncomingInviteRequest): void {
  if (!(uas instanceof InviteUserAgentServer)) return;
  const transaction = uas.transaction;
  const message = uas.message;
  const drop = (): void => {
    message.headers = {};
    message.ruri = undefined;
    released.add(message);
  };
  if (transaction.state === TransactionState.Terminated) return drop();
  const onChange = (): void => {
    if (transaction.state !== TransactionState.Terminated) return;
    transaction.removeStateChangeListener(onChange);
    drop();
  };
  transaction.addStateChangeListener(onChange);
}

/** `message` itself, or, once its headers were released, the same message parsed again from its text. */
export function readableHeaders<M extends IncomingRequestMessage | IncomingResponseMessage>(message: M): M {
  if (!released.has(message)) return message;
  const outcome = parseSipMessage(Buffer.from(message.data, "utf8"));
  return outcome.ok ? (outcome.message as M) : message;
}
