/**
 * Receive path: transport → parser → (400 | drop) → trusted-peer check (403) → Via stamping → overload
 * control (a stateless 503 to a new INVITE past a limit) → reliability layer (UDP) → our own answers (405/501
 * by method, 404 unknown DN, 420 unknown Require, OPTIONS to the server, in-dialog UPDATE) → the sip.js shard
 * chosen by Call-ID. No exception from sip.js escapes
 * (RFC 3261 §8.2: a UAS that fails answers 500 where it can). A message from an untrusted source is counted
 * once, as dropped, and leaves nothing else behind (no metric series, no log line, no state).
 */
import type { Logger } from "@tandem/sdk";
import { IncomingRequestMessage, type IncomingResponseMessage } from "sip.js/lib/core/index.js";
import { parse, stampVia, type Flow, type ReliabilityLayer } from "./lower-layers.js";
import type { BranchMap } from "./branch-map.js";
import type { ResponseFlows } from "./response-flows.js";
import type { SendPath } from "./send-path.js";
import type { Shard } from "./shard.js";
import type { StackMetrics } from "./stack-metrics.js";
import { unsupportedTags } from "./option-tags.js";
import { ALLOW, inspectMethod } from "../sip-methods.js";
import { badRequestText, optionsOkText, replyText } from "./stateless-replies.js";
import type { TrustedPeers } from "./trusted-peers.js";
import type { InviteAdmission } from "../stack-contract.js";
import type { SipMessageTap } from "../message-tap.js";

export interface ReceivePathDeps {
  metrics: StackMetrics;
  logger: Logger;
  logMessages: boolean;
  trusted: TrustedPeers;
  reliability: ReliabilityLayer;
  flows: ResponseFlows;
  branches: BranchMap;
  sendPath(): SendPath;
  shardFor(callId: string): Shard;
  isServedDn(user: string): boolean;
  /** Limits on new calls: an INVITE past one is answered 503 here (shed). */
  admission?: InviteAdmission | undefined;
  /** In-dialog UPDATE (sip.js answers it 405): returns true when handled. */
  handleUpdate(message: IncomingRequestMessage, shard: Shard): boolean;
  tap?: SipMessageTap | undefined;
}

export class ReceivePath {
  constructor(private readonly deps: ReceivePathDeps) {}

  receive(data: Buffer, flow: Flow): void {
    try {
      this.receiveUnsafe(data, flow);
    } catch (error) {
      this.deps.metrics.coreError();
      this.deps.logger.warn({ err: String(error), flow }, "SIP message handling failed");
    }
  }

  private receiveUnsafe(data: Buffer, flow: Flow): void {
    const { metrics } = this.deps;
    const outcome = parse(data, flow.transport === "udp");
    const trusted = this.deps.trusted.allows(flow.remoteAddress);
    if (!outcome.ok) {
      if (!trusted) {
        metrics.drop("untrusted");
        return;
      }
      metrics.parseError();
      const { error } = outcome;
      // A request missing Call-ID, From, To or CSeq is still answered when its Via can take the answer
      // (`partial`, RFC 3261 §8.1.1, §18.2.2), so the peer's transaction ends now rather than at Timer F.
      const fields = error.respondable ?? error.partial;
      if (error.isRequest && fields) {
        // An unknown SIP version gets 505 (RFC 3261 §21.5.7), everything else 400.
        const status = error.code === "TANDEM_ERR_SIP_PARSE_VERSION" ? 505 : 400;
        this.deps.sendPath().sendResponseTo(badRequestText(fields, error.reason, status), flow);
      } else {
        metrics.drop("parse-error");
      }
      return;
    }
    const message = outcome.message;
    const isRequest = message instanceof IncomingRequestMessage;
    if (!trusted) {
      // 403 before any state is kept; never answer an ACK or a response.
      if (isRequest && message.method !== "ACK") this.reply(message, flow, 403, "Forbidden", true);
      metrics.drop("untrusted");
      return;
    }
    if (this.deps.logMessages) {
      this.deps.logger.debug({ callId: message.callId, direction: "in", flow }, data.toString("utf8"));
    }
    this.deps.tap?.("in", message.callId, data, flow);
    if (isRequest) this.request(message, flow);
    else this.response(message, flow);
  }

  private request(message: IncomingRequestMessage, flow: Flow): void {
    const { metrics } = this.deps;
    metrics.message("in", message.method, undefined);
    stampVia(message, flow);
    if (this.shed(message, flow)) return;
    if (message.method !== "ACK") this.deps.flows.remember(message.viaBranch, message.method, flow);
    if (flow.transport === "udp" && !this.deps.reliability.incomingRequest(message, flow)) return;
    if (this.answeredMethod(message, flow)) return;
    if (!message.toTag && this.answeredOutOfDialog(message, flow)) return;
    if (this.rejectedRequire(message, flow)) return;
    if (!message.toTag && this.answeredOptions(message, flow)) return;
    const shard = this.deps.shardFor(message.callId);
    if (message.method === "UPDATE" && message.toTag && this.deps.handleUpdate(message, shard)) return;
    if ((message.method === "PRACK" || message.method === "UPDATE") && !message.toTag) {
      // sip.js throws on an out-of-dialog PRACK, and answers an out-of-dialog UPDATE 405 with its own Allow list;
      // both exist only inside a dialog (RFC 3262 §3, RFC 3311 §5.1), so one without a To-tag matches none: 481.
      this.reply(message, flow, 481);
      return;
    }
    // sip.js 404s any R-URI whose user is not its single AOR; we decide who is served ourselves.
    if (message.ruri) shard.config.aor = message.ruri;
    try {
      shard.core.receiveIncomingRequestFromTransport(message);
    } catch (error) {
      metrics.coreError();
      this.deps.logger.warn({ callId: message.callId, method: message.method, err: String(error) }, "sip.js threw");
      if (message.method !== "ACK") this.reply(message, flow, 500, "Server Internal Error");
    }
  }

  /**
   * RFC 3261 §8.2.1, in and out of dialog, before the §8.2.2 header checks: a method we know but do not serve
   * gets 405 with `Allow`; one we do not know gets 501 (§21.5.2), with `Allow` too so the peer learns what it
   * may send. sip.js would answer both 405, and accept MESSAGE with a 200 that delivers nothing (RFC 3428 §7
   * wants a UAS that does not take MESSAGE to say so).
   */
  private answeredMethod(message: IncomingRequestMessage, flow: Flow): boolean {
    const verdict = inspectMethod(message.method);
    if (verdict === "served") return false;
    const [status, reason] = verdict === "unknown" ? [501, "Not Implemented"] : [405, "Method Not Allowed"];
    this.reply(message, flow, status, reason, false, [`Allow: ${ALLOW}`]);
    return true;
  }

  /**
   * Overload control: a new INVITE past a limit gets 503 with Retry-After (RFC 3261 §21.5.4, §20.33), sent
   * statelessly (§8.2.7) before anything is kept for it — no flow, no transaction, no dialog, no call.
   */
  private shed(message: IncomingRequestMessage, flow: Flow): boolean {
    const admission = this.deps.admission;
    if (!admission || message.method !== "INVITE" || message.toTag) return false;
    const refusal = admission.check({ callId: message.callId, dn: message.ruri?.user, sourceAddress: flow.remoteAddress });
    if (!refusal) return false;
    this.reply(message, flow, 503, "Service Unavailable", true, [`Retry-After: ${refusal.retryAfterSeconds}`]);
    return true;
  }

  /** Our own policy before sip.js sees an out-of-dialog request (RFC 3261 §8.2.2.1). */
  private answeredOutOfDialog(message: IncomingRequestMessage, flow: Flow): boolean {
    if (message.method === "ACK" || message.method === "CANCEL") return false;
    // Other schemes go on to sip.js, which answers 416 (RFC 3261 §8.2.2.1).
    if (message.ruri?.scheme !== "sip") return false;
    const user = message.ruri.user;
    // Requests to the server itself (no user part), like CUCM's OPTIONS keep-alive: see answeredOptions.
    if (user === undefined || user === "" || this.deps.isServedDn(user)) return false;
    this.reply(message, flow, 404, "Not Found");
    return true;
  }

  /**
   * RFC 3261 §8.2.2.3: a Require listing a tag we do not understand gets 420 with those tags in Unsupported
   * (§20.40), in and out of dialog (§12.2.2 applies §8.2 first). Require is ignored in CANCEL and ACK, and
   * ACK is never answered. Comes after §8.2.1 (405/501 above) and §8.2.2.1 (404 above, 416 from sip.js).
   * `Proxy-Require` is for proxies; a UAS ignores it.
   */
  private rejectedRequire(message: IncomingRequestMessage, flow: Flow): boolean {
    if (message.method === "ACK" || message.method === "CANCEL") return false;
    if (message.ruri?.scheme !== "sip") return false;
    const unsupported = unsupportedTags(message.getHeaders("require"));
    if (unsupported.length === 0) return false;
    this.reply(message, flow, 420, "Bad Extension", false, [`Unsupported: ${unsupported.join(", ")}`]);
    return true;
  }

  /** OPTIONS to the server itself or to a served DN: 200 with what we can do (RFC 3261 §11.2), after the §8.2.2 checks. */
  private answeredOptions(message: IncomingRequestMessage, flow: Flow): boolean {
    // To a served DN as well (an unknown one got its 404 above): sip.js would list its own Allow, which names
    // methods we refuse and leaves out UPDATE.
    if (message.method !== "OPTIONS" || message.ruri?.scheme !== "sip") return false;
    this.deps.sendPath().sendResponseTo(optionsOkText(message), flow);
    return true;
  }

  private response(message: IncomingResponseMessage, flow: Flow): void {
    this.deps.metrics.message("in", message.method, message.statusCode);
    if (flow.transport === "udp" && !this.deps.reliability.incomingResponse(message, flow)) return;
    // Back to the branch sip.js chose (branch-map.ts); unknown branches are not ours and stay as they are.
    const sipBranch = this.deps.branches.sipFor(message.viaBranch, (message.statusCode ?? 0) >= 200);
    if (sipBranch !== undefined) message.viaBranch = sipBranch;
    const shard = this.deps.shardFor(message.callId);
    try {
      shard.core.receiveIncomingResponseFromTransport(message);
    } catch (error) {
      this.deps.metrics.coreError();
      this.deps.logger.warn({ callId: message.callId, err: String(error) }, "sip.js threw on a response");
    }
  }

  /** A stateless answer; `extra` are full header lines (e.g. `Unsupported:` on a 420). */
  private reply(
    message: IncomingRequestMessage,
    flow: Flow,
    status: number,
    reason?: string,
    untrusted = false,
    extra: string[] = [],
  ): void {
    try {
      this.deps.sendPath().sendResponseTo(replyText(message, status, reason, extra), flow, untrusted);
    } catch (error) {
      this.deps.logger.warn({ err: String(error) }, "cannot build a stateless reply");
    }
  }
}
