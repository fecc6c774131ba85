/**
 * Carries out one checked request for one principal, over either transport: scope first, then the
 * request's own work (registry arbiter for agent requests, the call model for call requests). Every
 * outcome is a message through `origin.send`; nothing a client sends can throw out of `handle`.
 */
import {
  CALL_CONTROL,
  CONFERENCE_CONTROL,
  DEFAULT_CONFERENCE_CONTROL,
  DEFAULT_SUPERVISION_CONTROL,
  SUPERVISION_CONTROL,
  DEFAULT_RECORDING_CONTROL,
  RECORDING_CONTROL,
  TandemError,
  type AgentRequestKind,
  type Counter,
  type DnRegistry,
  type Extensions,
  type Logger,
} from "@tandem/sdk";
import { dispatchCall } from "./call-requests.js";
import { dispatchConference } from "./conference-requests.js";
import { dispatchSupervision } from "./supervision-requests.js";
import { dispatchRecording, PRIVATE_SERVICE_REQUEST, type PrivateServiceRequest } from "./recording-requests.js";
import { DesktopErrors } from "./errors.js";
import type { EventFanout } from "./event-fanout.js";
import {
  AGENT_REQUESTS,
  CALL_REQUESTS,
  CONFERENCE_REQUESTS,
  SUPERVISION_REQUESTS,
  errorMessage,
  named,
  toWire,
  type AgentRequestName,
  type CallRequestName,
  type ConferenceRequestName,
  type SupervisionRequestName,
  type DesktopRequest,
  type DnRequest,
  type OutgoingMessage,
} from "./protocol.js";
import { assertScope, type DesktopPrincipal } from "./token-auth.js";

/** The interface name the arbiter's priority rule sees for every desktop. */
export const DESKTOP_SOURCE = "desktop";

/** A WebSocket session's registered DNs; absent for the stateless HTTP variant. */
export interface Registrations {
  /** The seq after which live delivery of `dn` began, or undefined when `dn` is not registered. */
  at(dn: string): number | undefined;
  add(dn: string, at: number): void;
  delete(dn: string): boolean;
  /** The `after` given when connecting, used by registrations that bring none. */
  readonly defaultAfter: number | undefined;
}

/** Who sent the request and where its answers go. */
export interface RequestOrigin {
  readonly principal: DesktopPrincipal;
  readonly registrations?: Registrations;
  send(message: OutgoingMessage): void;
}

export interface RequestHandlerDeps {
  readonly dns: DnRegistry;
  readonly bus: { lastSeq(): number };
  readonly extensions: Extensions;
  readonly fanout: EventFanout;
  readonly log: Logger;
  readonly requests: Counter;
  readonly maxReplayEvents: number;
  readonly callControlProvider: string;
}

const AGENT_KINDS: Record<AgentRequestName, AgentRequestKind> = {
  RequestAgentLogin: "Login",
  RequestAgentLogout: "Logout",
  RequestAgentReady: "Ready",
  RequestAgentNotReady: "NotReady",
};
const AGENT = new Set<string>(AGENT_REQUESTS);
const CALL = new Set<string>(CALL_REQUESTS);
const CONFERENCE = new Set<string>(CONFERENCE_REQUESTS);
const SUPERVISION = new Set<string>(SUPERVISION_REQUESTS);

function isCoded(err: unknown): err is { code: string; message: string } {
  const code: unknown = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === "string" && code.startsWith("TANDEM_ERR_");
}

export class RequestHandler {
  constructor(private readonly deps: RequestHandlerDeps) {}

  /** Handles one request; answers (events, EventACK or EventError) go to `origin.send`. */
  async handle(request: DesktopRequest, origin: RequestOrigin): Promise<void> {
    try {
      await this.dispatch(request, origin);
      this.deps.requests.inc({ request: request.request, outcome: "ok" });
    } catch (err) {
      const coded = isCoded(err) ? err : DesktopErrors.callControlFailed(request.request, err instanceof Error ? err.message : String(err));
      if (!isCoded(err)) this.deps.log.error({ err, request: request.request }, "desktop request failed without a code");
      this.deps.requests.inc({ request: request.request, outcome: "error" });
      origin.send(errorMessage(coded, request));
    }
  }

  private async dispatch(request: DesktopRequest, origin: RequestOrigin): Promise<void> {
    const name = request.request;
    if (SUPERVISION.has(name) && !this.deps.extensions.get(SUPERVISION_CONTROL, DEFAULT_SUPERVISION_CONTROL)) throw DesktopErrors.notImplemented(name);
    if (CONFERENCE.has(name) && !this.deps.extensions.get(CONFERENCE_CONTROL, DEFAULT_CONFERENCE_CONTROL)) throw DesktopErrors.notImplemented(name);
    if (request.dn === undefined) throw DesktopErrors.requestInvalid(name, "must have required property 'dn'");
    const dnRequest: DnRequest = { ...request, dn: request.dn };
    assertScope(origin.principal, dnRequest.dn);
    if (name === "RequestAnswerCall") throw DesktopErrors.answerByPhone();
    if (name === "RequestRegisterAddress") return this.register(dnRequest, origin);
    if (name === "RequestUnregisterAddress") return this.unregister(dnRequest, origin);
    if (origin.registrations && origin.registrations.at(dnRequest.dn) === undefined) throw DesktopErrors.notRegistered(dnRequest.dn);
    if (AGENT.has(name)) return this.agent(name as AgentRequestName, dnRequest, origin);
    if (CALL.has(name)) return this.call(name as CallRequestName, dnRequest, origin);
    if (CONFERENCE.has(name)) return this.conference(name as ConferenceRequestName, dnRequest, origin);
    if (SUPERVISION.has(name)) return this.supervision(name as SupervisionRequestName, dnRequest, origin);
    if (name === PRIVATE_SERVICE_REQUEST) return this.privateService(dnRequest, origin);
    throw DesktopErrors.unknownRequest(name);
  }

  /** Answers EventRegistered, then the replayed events, all synchronously so no live event slips in between. */
  private register(request: DnRequest, origin: RequestOrigin): void {
    const { dns, bus, fanout, maxReplayEvents } = this.deps;
    const record = dns.get(request.dn);
    if (!record) throw DesktopErrors.unknownDn(request.dn);
    const regs = origin.registrations;
    const after = request.after ?? regs?.defaultAfter;
    // A DN registered earlier keeps its start: the live feed already delivered what followed it.
    const at = regs?.at(request.dn) ?? bus.lastSeq();
    const replayed = after === undefined ? [] : fanout.replay(request.dn, after, at, maxReplayEvents);
    regs?.add(request.dn, at);
    const agent = dns.agent(request.dn);
    origin.send({
      ...named("EventRegistered"),
      referenceId: request.referenceId,
      dn: request.dn,
      type: record.type,
      ...(agent === undefined ? {} : { agent }),
      lastSeq: at,
      replayed: replayed.length,
    });
    for (const event of replayed) origin.send(toWire(event));
  }

  private unregister(request: DnRequest, origin: RequestOrigin): void {
    if (origin.registrations && !origin.registrations.delete(request.dn)) throw DesktopErrors.notRegistered(request.dn);
    origin.send({ ...named("EventUnregistered"), referenceId: request.referenceId, dn: request.dn });
  }

  /** Through the arbiter, so the priority rule holds; a refusal carries the arbiter's own code. */
  private agent(name: AgentRequestName, request: DnRequest, origin: RequestOrigin): void {
    const result = this.deps.dns.requestAgentState({
      dn: request.dn,
      request: AGENT_KINDS[name],
      source: DESKTOP_SOURCE,
      referenceId: request.referenceId,
      ...(request.reasonCode === undefined ? {} : { reasonCode: request.reasonCode }),
      ...(request.workMode === undefined ? {} : { workMode: request.workMode }),
    });
    if (result.code !== undefined) throw new TandemError(result.code, result.message ?? `${name} refused`, { httpStatus: 409 });
    // The events (with this referenceId) reach the client through the live feed; a request that changed
    // nothing still gets an answer, so a client never waits for an event that will not come.
    if (result.events.length === 0) {
      origin.send({ ...named("EventACK"), referenceId: request.referenceId, request: name, dn: request.dn, agent: result.snapshot });
    }
  }

  private async call(name: CallRequestName, request: DnRequest, origin: RequestOrigin): Promise<void> {
    const provider = this.deps.callControlProvider;
    const cc = this.deps.extensions.get(CALL_CONTROL, provider);
    if (!cc) throw DesktopErrors.callControlUnavailable(name, provider);
    const result = await dispatchCall(cc, name, request);
    origin.send({ ...named("EventACK"), referenceId: request.referenceId, request: name, dn: request.dn, connId: result.connId });
  }

  /** To the conferencing plugin; without one the requests stay unimplemented. */
  private async conference(name: ConferenceRequestName, request: DnRequest, origin: RequestOrigin): Promise<void> {
    const conf = this.deps.extensions.get(CONFERENCE_CONTROL, DEFAULT_CONFERENCE_CONTROL);
    if (!conf) throw DesktopErrors.notImplemented(name);
    const result = await dispatchConference(conf, name, request);
    origin.send({ ...named("EventACK"), referenceId: request.referenceId, request: name, dn: request.dn, connId: result.connId });
  }

  /** To the supervision plugin (which checks the token's supervisor flag and the teams); without one, unimplemented. */
  private async supervision(name: SupervisionRequestName, request: DnRequest, origin: RequestOrigin): Promise<void> {
    const control = this.deps.extensions.get(SUPERVISION_CONTROL, DEFAULT_SUPERVISION_CONTROL);
    if (!control) throw DesktopErrors.notImplemented(name);
    const monitoring = await dispatchSupervision(control, name, request, origin.principal);
    origin.send({ ...named("EventACK"), referenceId: request.referenceId, request: name, dn: request.dn, ...(monitoring ? { monitoring } : {}) });
  }

  /** RequestPrivateService: the recording services go to the recording plugin; without one they stay unimplemented. */
  private async privateService(request: PrivateServiceRequest, origin: RequestOrigin): Promise<void> {
    const recording = this.deps.extensions.get(RECORDING_CONTROL, DEFAULT_RECORDING_CONTROL);
    if (!recording) throw DesktopErrors.notImplemented(`${request.request} ${request.privateServiceId ?? ""}`.trim());
    const result = await dispatchRecording(recording, request);
    origin.send({ ...named("EventACK"), referenceId: request.referenceId, request: request.request, dn: request.dn, connId: result.connId });
  }
}
