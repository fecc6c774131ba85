/**
 * What sip.js keeps of a call's initial INVITE transactions for the dialog's whole life (a SessionDialog holds
 * its initial transaction), let go once the transaction has terminated (RFC 6026 Timers L and M), through the
 * messages' public fields: the rest stays until sip.js drops the dialog.
 */
import {
  InviteUserAgentClient,
  InviteUserAgentServer,
  TransactionState,
  type IncomingInviteRequest,
  type IncomingRequestMessage,
  type IncomingResponseMessage,
  type NameAddrHeader,
  type OutgoingInviteRequest,
  type OutgoingRequestMessage,
  type URI,
} from "sip.js/lib/core/index.js";
import { parseSipMessage } from "../parser/parse-message.js";

const NO_VALUES: string[] = [];
Object.freeze(NO_VALUES);

/**
 * Our INVITE and the ACK to its 2xx, kept as full `OutgoingRequestMessage`s (~3 KB of header text a call). The
 * client transaction needs them only while it may still send them — the ACK again for each retransmitted 2xx
 * until Timer M (RFC 6026 §8.4, RFC 3261 §13.2.2.4) — and never after: once Terminated, sip.js's core no longer
 * matches responses to it and the dialog builds every later request from its own state (§12.2.1.1). So their
 * header lines are dropped then; the fields the dialog still reads (Call-ID, CSeq, tags, URIs) stay.
 */
export function releaseWhenTerminated(
  request: OutgoingInviteRequest,
  messages: readonly OutgoingRequestMessage[],
  dialogUris: readonly URI[] = [],
): void {
  if (!(request instanceof InviteUserAgentClient)) return;
  const transaction = request.transaction;
  if (transaction.state === TransactionState.Terminated) return release(messages, dialogUris);
  const onChange = (): void => {
    if (transaction.state !== TransactionState.Terminated) return;
    transaction.removeStateChangeListener(onChange);
    release(messages, dialogUris);
  };
  transaction.addStateChangeListener(onChange);
}

function release(messages: readonly OutgoingRequestMessage[], dialogUris: readonly URI[]): void {
  const first = messages[0];
  for (const message of messages) {
    for (const name of Object.keys(message.headers)) message.setHeader(name, NO_VALUES);
    message.extraHeaders = [];
    message.body = undefined;
    if (first && message !== first) shareParts(first, message, dialogUris);
  }
}

type UriFields = { ruri: URI; fromURI: URI; toURI: URI; from: NameAddrHeader; to: NameAddrHeader };

/**
 * The ACK carries its own copies of URIs (and a From) equal to the INVITE's or the dialog's (~0.3 KB each, parsed
 * parts and all); once neither message can be sent again, the ACK points at those objects instead. Same values
 * only, so nothing reads differently.
 */
function shareParts(first: OutgoingRequestMessage, other: OutgoingRequestMessage, dialogUris: readonly URI[]): void {
  const target = other as unknown as UriFields;
  const pool = [first.ruri, first.fromURI, first.toURI, ...dialogUris];
  target.ruri = equalIn(pool, target.ruri);
  target.fromURI = equalIn(pool, target.fromURI);
  target.toURI = equalIn(pool, target.toURI);
  if (target.from !== first.from && target.from.toString() === first.from.toString()) target.from = first.from;
}

function equalIn(pool: readonly URI[], uri: URI): URI {
  const text = uri.toString();
  return pool.find((candidate) => candidate === uri || candidate.toString() === text) ?? uri;
}

const released = new WeakSet<object>();

/**
 * The INVITE we received: sip.js keeps it in the dialog's initial server transaction for the dialog's life, parsed
 * headers and all (~1.3 KB a call). Once that transaction is Terminated (Timer L after our 2xx, RFC 6026 §8.7;
 * Timer H or I after a non-2xx) sip.js reads only its CSeq number (the ACK check, RFC 3261 §13.3.1.4), so the
 * parsed headers and Request-URI are dropped. The message text (`data`) and the other fields set from it stay;
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
