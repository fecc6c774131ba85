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
import type { SipListenInfo } from "../stack-contract.js";
import { peek, type Flow, type PeekInfo, type ReliabilityLayer, type Target, type TransportLayer } from "./lower-layers.js";
import type { BranchMap } from "./branch-map.js";
import type { ResponseFlows } from "./response-flows.js";
import type { StackMetrics } from "./stack-metrics.js";
import { isLooseRoute, uriHop } from "./uri-target.js";

export interface SendPathDeps {
  transport: TransportLayer;
  reliability: ReliabilityLayer;
  flows: ResponseFlows;
  branches: BranchMap;
  metrics: StackMetrics;
  logger: Logger;
  logMessages: boolean;
  listeners: SipListenInfo[];
  /** sent-by we put in Via for a transport ("host:port"). */
  viaSentBy(transport: SipTransportName): string;
  defaultTransport: SipTransportName;
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
    const hop = this.requestHop(info);
    if (!hop) return Promise.reject(new TransportError(`no route for ${info.method} to ${info.ruri ?? "?"}`));
    return this.sendRequest(text, info, hop);
  }

  /**
   * Sends a response we built outside sip.js (stateless replies of our own layer). `keepNoState` skips the
   * reliability layer's response cache (403 to untrusted sources: no state at all).
   */
  sendResponseTo(text: string, flow: Flow, keepNoState = false): void {
    let info: PeekInfo;
    try {
      info = peek(text);
    } catch (error) {
      this.deps.logger.warn({ err: String(error) }, "cannot read our own stateless response");
      return;
    }
    void this.transmit(text, info, flow, keepNoState);
  }

  private sendResponse(text: string, info: PeekInfo): Promise<void> {
    const final = (info.status ?? 0) >= 200;
    const flow = this.deps.flows.lookup(info.branch, final) ?? info.viaTarget;
    if (!flow) return Promise.reject(new TransportError(`no flow for response branch ${info.branch}`));
    return this.transmit(text, info, flow);
  }

  private async sendRequest(text: string, info: PeekInfo, hop: HopText): Promise<void> {
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

  private transmit(text: string, info: PeekInfo, to: Flow | Target, keepNoState = false): Promise<void> {
    const { metrics, logger } = this.deps;
    metrics.message("out", info.method, info.status);
    if (this.deps.logMessages) logger.debug({ callId: info.callId, direction: "out", to }, text);
    if (to.transport === "udp" && !keepNoState) {
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

  private requestHop(info: PeekInfo): HopText | undefined {
    const route = info.topRoute;
    const uri = route && isLooseRoute(route) ? route : info.ruri;
    if (!uri) return undefined;
    const hop = uriHop(uri);
    if (!hop) return undefined;
    const transport = hop.transport ?? (this.has("udp") ? "udp" : this.deps.defaultTransport);
    return { host: hop.host, port: hop.port ?? (transport === "tls" ? 5061 : 5060), transport };
  }

  private async resolve(hop: HopText): Promise<Target> {
    if (isIP(hop.host)) return { transport: hop.transport, address: hop.host, port: hop.port };
    // RFC 3263 SRV/NAPTR is out of scope: CUCM trunks are configured by address; A/AAAA is enough.
    const { address } = await lookup(hop.host).catch(() => {
      throw new TransportError(`cannot resolve ${hop.host}`);
    });
    return { transport: hop.transport, address, port: hop.port };
  }

  private has(transport: SipTransportName): boolean {
    return this.deps.listeners.some((l) => l.transport === transport);
  }
}

interface HopText {
  host: string;
  port: number;
  transport: SipTransportName;
}
