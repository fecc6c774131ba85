/**
 * A sip.js `SessionDialog` keeps the INVITE transaction that created it for the dialog's whole life, and with it
 * everything that transaction reaches: its user agent (client or server), the INVITE, the last response's text,
 * the ACK cache and the delegates — about 5 KB a call, three quarters of what sip.js holds for a two-leg call
 * after its first 64·T1.
 *
 * Once that transaction is Terminated (RFC 6026 §8.4 Timer M for our INVITE, §8.7 Timer L or RFC 3261 §17.2.1
 * Timers H/I for one we received), sip.js 0.21.2's `SessionDialog` reads only three things of it:
 * - which kind it was (`instanceof InviteClientTransaction | InviteServerTransaction`): who may send the first
 *   ACK, and whether a BYE must wait for the ACK (RFC 3261 §15);
 * - its `state`: a UAS may send BYE once the server transaction timed out (§15);
 * - its request's `cseq`: a late ACK to our 2xx is matched by CSeq number (§13.3.1.4, §17.2.1).
 * (sip.js's own `Transaction.dispose()` documents that a disposed transaction is not to be used otherwise.)
 *
 * So the dialog's reference is replaced by a terminated stand-in carrying exactly those three, and the real
 * transaction goes to the garbage collector. sip.js is used as it ships: this writes one field of a dialog, and
 * only when that field holds the very transaction we were given — were sip.js to change, nothing is replaced
 * (`initial-transaction.test.ts` would then fail and say so).
 */
import {
  InviteUserAgentClient,
  InviteUserAgentServer,
  SessionDialog,
  TransactionState,
  type IncomingInviteRequest,
  type ClientTransaction,
  type ServerTransaction,
  type OutgoingInviteRequest,
  type Session,
} from "sip.js/lib/core/index.js";

type InitialTransaction = ClientTransaction | ServerTransaction;

/** The `SessionDialog` field that holds its initial transaction (private in sip.js 0.21.2's typings). */
const FIELD = "initialTransaction";

/** Lets `session` drop the transaction of `invite` (the INVITE that created it) once that has terminated. */
export function releaseInitialTransaction(session: Session, invite: IncomingInviteRequest | OutgoingInviteRequest): void {
  if (!(session instanceof SessionDialog)) return;
  if (!(invite instanceof InviteUserAgentClient || invite instanceof InviteUserAgentServer)) return;
  const transaction: InitialTransaction = invite.transaction;
  if (transaction.state === TransactionState.Terminated) return replace(session, transaction);
  const onChange = (): void => {
    if (transaction.state !== TransactionState.Terminated) return;
    transaction.removeStateChangeListener(onChange);
    replace(session, transaction);
  };
  transaction.addStateChangeListener(onChange);
}

function replace(session: SessionDialog, transaction: InitialTransaction): void {
  if (Reflect.get(session, FIELD) !== transaction) return;
  Reflect.set(session, FIELD, terminatedStandIn(transaction));
}

/**
 * An object of the transaction's own class (so `instanceof` answers as before) whose `state` and `request.cseq`
 * are own, read-only values shadowing the class's getters; it holds nothing else.
 */
function terminatedStandIn(transaction: InitialTransaction): InitialTransaction {
  const request = Object.freeze({ cseq: transaction.request.cseq });
  return Object.create(Object.getPrototypeOf(transaction) as object, {
    state: { value: TransactionState.Terminated, enumerable: true },
    request: { value: request, enumerable: true },
  }) as InitialTransaction;
}

