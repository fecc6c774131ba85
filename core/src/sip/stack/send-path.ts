/**
 * Send path shared by every shard's `Core.Transport.send(string)`: peek at the outgoing text, find the next
 * hop (response → the request's flow; request → top Route or Request-URI, RFC 3261 §8.1.2), fix the top
 * Via for the transport actually used (§18.1.1), then hand it to the reliability layer (UDP) or the
 * transport (TCP/TLS).
 */
import { isIP } from "node:net";
import { lookup } from "node:dns/promises";
import type { Logger, SipTransportName } from "@tandem/sdk";
import { TransportError, type Transport } from "sip.js/lib/core/index.js";
import {
  peek,
  requestNextHop,
  responseDestination,
  type Flow,
  type PeekInfo,
  type ReliabilityLayer,
  type Target,
  type TransportLayer,
} from "./lower-layers.js";
import type { BranchMap } from "./branch-map.js";
import type { ResponseFlows } from "./response-flows.js";
import type { StackMetrics } from "./stack-metrics.js";
import type { SipMessageTap } from "../message-tap.js";

export interface SendPathDeps {
  transport: TransportLayer;
  reliability: ReliabilityLayer;
  flows: ResponseFlows;
  branches: BranchMap;
  metrics: StackMetrics;
  logger: Logger;
  logMessages: boolean;
  /** sent-by we put in Via for a transport ("host:port"). */
  viaSentBy(transport: SipTransportName): string;
  defaultTransport: SipTransportName;
  tap?: SipMessageTap | undefined;
}

export class SendPath implements Transport {
  readonly protocol: string;
  private readonly defaultVia: string;

  constructor(private readonly deps: SendPathDeps) {
    this.protocol = deps.defaultTransport.toUpperCase();
    this.defaultVia = `SIP/2.0/${this.protocol} ${deps.viaSentBy(deps.defaultTransport)};`;
  }

  send(text: string): Promise<void> {
    let info: PeekInfo;
    try {
      info = peek(text);
    } catch (error) {
      return Promise.reject(new TransportError(`cannot read outgoing message: ${String(error)}`));
    }
    if (info.isResponse) return this.sendResponse(text, info);
    let hop: Target;
    try {
      hop = requestNextHop(info.raw, this.deps.defaultTransport);
    } catch (error) {
      return Promise.reject(new TransportError(`no route for ${info.method} to ${info.ruri ?? "?"}: ${String(error)}`));
    }
    return this.sendRequest(text, info, hop);
  }

  /**
   * Sends a response we built outside sip.js (stateless replies of our own layer). `untrusted` (403 to an
   * untrusted source) skips the reliability layer's response cache and the message counter: no state at all,
   * and nothing counted beyond `sip_dropped_total{reason="untrusted"}`.
   */
  sendResponseTo(text: string, flow: Flow, untrusted = false): void {
    let info: PeekInfo;
    try {
      info = peek(text);
    } catch (error) {
      this.deps.logger.warn({ err: String(error) }, "cannot read our own stateless response");
      return;
    }
    void this.transmit(text, info, flow, untrusted);
  }

  private sendResponse(text: string, info: PeekInfo): Promise<void> {
    const final = (info.status ?? 0) >= 200;
    const flow = this.deps.flows.lookup(info.branch, final);
    let to: Flow | Target;
    try {
      // A UDP request's source is where its answer goes (what RFC 3581 asks for with `rport`): §18.2.2's
      // sent-by port differs from it only for a peer behind a port-mapping that did not ask, and that
      // peer would otherwise get no answer. TCP/TLS: the request's connection (§18.2.2). With no flow
      // known (it expired): the Via's received + rport for UDP, the sent-by port for TCP/TLS.
      to = flow?.transport === "udp" ? flow : responseDestination(info.raw, flow);
    } catch (error) {
      return Promise.reject(new TransportError(`no destination for response branch ${info.branch}: ${String(error)}`));
    }
    return this.transmit(text, info, to);
  }

  private async sendRequest(text: string, info: PeekInfo, hop: Target): Promise<void> {
    const target = await this.resolve(hop);
    let out = text;
    if (target.transport !== this.deps.defaultTransport) {
      // sip.js writes one Via protocol per core; switch it to the transport this request really uses.
      out = out.replace(this.defaultVia, `SIP/2.0/${target.transport.toUpperCase()} ${this.deps.viaSentBy(target.transport)};`);
    }
    let wireInfo = info;
    if (info.branch.startsWith("z9hG4bK")) {
      const wire = this.deps.branches.wireFor(info.branch, info.callId, info.method);
      const at = out.indexOf(`;branch=${info.branch}`);
      if (at >= 0) out = `${out.slice(0, at)};branch=${wire}${out.slice(at + 8 + info.branch.length)}`;
      wireInfo = peek(out); // the reliability layer keys on the branch that goes on the wire
    }
    // A stream connect/send failure rejects, so sip.js reports 503 at once (RFC 3261 §8.1.3.1).
    await this.transmit(out, wireInfo, target);
  }

  private transmit(text: string, info: PeekInfo, to: Flow | Target, untrusted = false): Promise<void> {
    const { metrics, logger } = this.deps;
    if (!untrusted) metrics.message("out", info.method, info.status);
    if (this.deps.logMessages) logger.debug({ callId: info.callId, direction: "out", to }, text);
    if (!untrusted) this.deps.tap?.("out", info.callId, text, to);
    if (to.transport === "udp" && !untrusted) {
      this.deps.reliability.outgoing(text, info.raw, to);
      return Promise.resolve();
    }
    const sent = this.deps.transport.send(text, to).then(() => undefined);
    if (info.isResponse) {
      return sent.catch((error: unknown) => logger.warn({ callId: info.callId, err: String(error) }, "SIP send failed"));
    }
    return sent.catch((error: unknown) => {
      throw new TransportError(`cannot send ${info.method} to ${to.transport}:${"address" in to ? to.address : to.remoteAddress}: ${String(error)}`);
    });
  }

  private async resolve(hop: Target): Promise<Target> {
    if (isIP(hop.address)) return hop;
    // RFC 3263 SRV/NAPTR is out of scope: CUCM trunks are configured by address; A/AAAA is enough.
    const { address } = await lookup(hop.address).catch(() => {
      throw new TransportError(`cannot resolve ${hop.address}`);
    });
    return { ...hop, address };
  }
}
