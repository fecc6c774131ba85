/**
 * The running SIP stack: owns the transport and reliability layers, the sip.js shards, and the verbs
 * handed to plugins. See receive-path.ts and send-path.ts for the message flow.
 */
import { isIP } from "node:net";
import type { SipTransportName, SipVerbs } from "@tandem/sdk";
import { URI, type Contact } from "sip.js/lib/core/index.js";
import type { SipListenInfo, SipStack, SipStackDeps, SipStackStats } from "../stack-contract.js";
import { SipStackErrors } from "../errors.js";
import { createVerbs, type VerbsEngine } from "../b2bua/sip-verbs.js";
import { createDialogRecovery } from "../dialogs/dialog-recovery.js";
import type { DialogRecovery } from "../dialog-record.js";
import { flat } from "../flat-string.js";
import { ReliabilityLayer, TransportLayer, type Flow } from "./lower-layers.js";
import { BranchMap } from "./branch-map.js";
import { ReceivePath } from "./receive-path.js";
import { ResponseFlows } from "./response-flows.js";
import { SendPath } from "./send-path.js";
import { applySipJsTimers, createShard, disposeShard, makeContact, shardIndex, type Shard } from "./shard.js";
import { connectionLimits } from "./connection-limits.js";
import { StackMetrics } from "./stack-metrics.js";
import { createTrustedPeers } from "./trusted-peers.js";
import type { StackPort } from "../stack-port.js";

/** Contacts kept for reuse (one per served DN and transport); the table starts over when full. */
const MAX_CONTACTS = 4096;

export class SipStackImpl implements SipStack, StackPort {
  readonly verbs: SipVerbs;
  readonly dialogs: DialogRecovery = createDialogRecovery(this);
  readonly metrics: StackMetrics;
  private readonly engine: VerbsEngine;
  private readonly transport: TransportLayer;
  private readonly reliability: ReliabilityLayer;
  private readonly flows: ResponseFlows;
  private readonly branches: BranchMap;
  private readonly receivePath: ReceivePath;
  private shards: Shard[] = [];
  private sendPath: SendPath | undefined;
  private listening: SipListenInfo[] = [];
  private readonly contacts = new Map<string, Contact>();

  constructor(readonly deps: SipStackDeps) {
    const { config, logger } = deps;
    const trusted = createTrustedPeers(config.trustedPeers);
    this.metrics = new StackMetrics(deps.metrics, {
      transactions: () => this.transactionCount(),
      dialogs: () => this.dialogCount(),
      retransmissions: () => this.reliability.stats().retransmissions,
      absorbed: () => this.reliability.stats().absorbed,
      connections: () => this.transport.stats(),
    });
    this.flows = new ResponseFlows(64 * config.timers.t1);
    this.branches = new BranchMap(64 * config.timers.t1);
    const limits = connectionLimits(config.connections);
    this.transport = new TransportLayer({
      listen: config.listen,
      logger: logger.child({ component: "sip-transport" }),
      udpMtu: config.udpMtu,
      udpThread: config.udpThread === true,
      idleTimeoutMs: limits.idleTimeoutMs,
      messageTimeoutMs: limits.messageTimeoutMs,
      maxConnections: limits.maxPerListener,
      maxConnectionsPerSource: limits.maxPerSource,
      // Only trusted peers may talk to us (`sip.trustedPeers`), so on TCP/TLS others are closed at accept.
      acceptFrom: (address) => trusted.allows(address),
      ...(deps.baseDir !== undefined ? { baseDir: deps.baseDir } : {}),
      onMessage: (data: Buffer, flow: Flow) => this.receivePath.receive(data, flow),
    });
    this.reliability = new ReliabilityLayer({
      timers: config.timers,
      logger: logger.child({ component: "sip-reliability" }),
      udpMtu: config.udpMtu,
      // Return the promise: the layer learns the flow really used, so a request the transport moved to TCP
      // (RFC 3261 §18.1.1) stops its UDP timers and one that fell back to UDP keeps Timer A/E.
      send: (data, to) =>
        this.transport.send(data, to).catch((error: unknown) => {
          logger.warn({ err: String(error) }, "UDP send failed");
        }),
    });
    this.engine = createVerbs(this);
    this.verbs = this.engine.verbs;
    this.receivePath = new ReceivePath({
      metrics: this.metrics,
      logger,
      logMessages: config.logMessages,
      trusted,
      reliability: this.reliability,
      flows: this.flows,
      branches: this.branches,
      sendPath: () => this.requireSendPath(),
      shardFor: (callId) => this.shardFor(callId),
      isServedDn: (user) => deps.isServedDn(user),
      admission: deps.admission,
      handleUpdate: (message, shard) => this.engine.handleUpdate(message, shard),
      tap: deps.tap,
    });
  }

  async start(): Promise<SipListenInfo[]> {
    this.listening = await this.transport.start();
    const defaultTransport = this.listening.some((l) => l.transport === "udp") ? "udp" : (this.listening[0]?.transport ?? "udp");
    this.sendPath = new SendPath({
      transport: this.transport,
      reliability: this.reliability,
      flows: this.flows,
      branches: this.branches,
      metrics: this.metrics,
      logger: this.deps.logger,
      logMessages: this.deps.config.logMessages,
      viaSentBy: (t) => this.sentBy(t),
      defaultTransport,
      tap: this.deps.tap,
    });
    applySipJsTimers(this.deps.config.timers);
    const count = Math.max(1, Math.floor(this.deps.config.shards));
    const contact = makeContact(this.contactUri(undefined, defaultTransport));
    this.shards = Array.from({ length: count }, (_, index) =>
      createShard({
        index,
        viaHost: this.sentBy(defaultTransport),
        contact,
        transport: this.requireSendPath(),
        delegate: this.engine.coreDelegate(index),
        logger: this.deps.logger,
      }),
    );
    return this.listening;
  }

  async stop(): Promise<void> {
    this.engine.stop();
    for (const shard of this.shards) {
      try {
        disposeShard(shard);
      } catch (error) {
        this.deps.logger.debug({ err: String(error) }, "sip.js dispose threw");
      }
    }
    this.shards = [];
    this.contacts.clear();
    this.reliability.stop();
    this.flows.stop();
    this.branches.stop();
    await this.transport.stop();
  }

  stats(): SipStackStats {
    const r = this.reliability.stats();
    return {
      messagesIn: this.metrics.messagesIn,
      messagesOut: this.metrics.messagesOut,
      parseErrors: this.metrics.parseErrors,
      retransmissions: r.retransmissions,
      transactions: this.transactionCount(),
      dialogs: this.dialogCount(),
    };
  }

  // ---- StackPort: what the verbs layer needs ----

  shardFor(callId: string): Shard {
    const shard = this.shards[shardIndex(callId, this.shards.length)];
    if (!shard) throw SipStackErrors.notStarted(`no shard for ${callId}`);
    return shard;
  }

  get listeners(): readonly SipListenInfo[] {
    return this.listening;
  }

  /** `host:port` for Via/Contact on a transport (advertisedHost wins: NAT). */
  sentBy(transport: SipTransportName): string {
    const listener = this.listening.find((l) => l.transport === transport) ?? this.listening[0];
    if (!listener) throw SipStackErrors.notStarted("no listener");
    const advertised = this.deps.config.advertisedHost;
    const host = advertised ? (isIP(advertised) === 6 ? `[${advertised}]` : advertised) : hostForUri(listener.host);
    return hasPort(host) ? host : `${host}:${listener.port}`;
  }

  contactUri(user: string | undefined, transport: SipTransportName): URI {
    const [host = "", portText] = splitSentBy(this.sentBy(transport));
    const params: Record<string, string> = transport === "udp" ? {} : { transport };
    return new URI("sip", user ?? "", host, portText === undefined ? undefined : Number(portText), params);
  }

  contact(user: string | undefined, transport: SipTransportName): Contact {
    const key = `${transport}:${user ?? ""}`;
    let contact = this.contacts.get(key);
    if (contact === undefined) {
      // Every call to a DN would otherwise keep its own copy for the call's life (~0.4 KB).
      // Copies (flat-string.ts): `user` is usually sliced from an INVITE, which the table must not keep alive.
      if (this.contacts.size >= MAX_CONTACTS) this.contacts.clear();
      contact = makeContact(this.contactUri(user === undefined ? undefined : flat(user), transport));
      this.contacts.set(flat(key), contact);
    }
    return contact;
  }

  sourceOf(branch: string): { transport: SipTransportName; address: string; port: number } | undefined {
    const flow = this.flows.lookup(branch, false);
    return flow ? { transport: flow.transport, address: flow.remoteAddress, port: flow.remotePort } : undefined;
  }

  private requireSendPath(): SendPath {
    if (!this.sendPath) throw SipStackErrors.notStarted("send");
    return this.sendPath;
  }

  private transactionCount(): number {
    let n = 0;
    for (const s of this.shards) n += s.core.userAgentClients.size + s.core.userAgentServers.size;
    return n;
  }

  private dialogCount(): number {
    let n = 0;
    for (const s of this.shards) n += s.core.dialogs.size;
    return n;
  }
}

function hostForUri(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

/** `host:port`, `[v6]:port` → true; `host`, `[v6]`, a bare IPv6 address → false. */
function hasPort(host: string): boolean {
  if (host.startsWith("[")) return host.includes("]:");
  return host.split(":").length === 2;
}

function splitSentBy(sentBy: string): [string, string | undefined] {
  const close = sentBy.lastIndexOf("]");
  const colon = sentBy.lastIndexOf(":");
  if (colon > close) return [sentBy.slice(0, colon), sentBy.slice(colon + 1)];
  return [sentBy, undefined];
}
