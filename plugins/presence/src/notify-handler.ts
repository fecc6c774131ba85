/**
 * One NOTIFY, start to end: read the body (the stack has already answered 200, RFC 6665 §4.1.3), plan the
 * agent-state requests with the mapper, and hand them to the arbiter in order. A body that cannot be read
 * changes nothing; it is logged with the DN and counted.
 */
import type { AgentStateResult, DnRegistry, Logger, NotifyInfo } from "@tandem/sdk";
import { PresenceErrors } from "./errors.js";
import { DN_OPTION_CLOSED_ON_THE_PHONE, type ClosedOnThePhone, type PresenceConfig } from "./manifest.js";
import { parsePidf } from "./pidf-parser.js";
import type { PresenceMetrics } from "./presence-metrics.js";
import { mapPresence, type PlannedRequest, type PresenceInput, type PresenceView } from "./presence-mapper.js";

/** What the API shows about the last NOTIFY of a DN. */
export interface NotifySummary {
  readonly at: string;
  readonly subscriptionState: NotifyInfo["state"];
  readonly basic?: string;
  readonly activities?: readonly string[];
  /** Error code when the body could not be read. */
  readonly error?: string;
  /** Requests sent, with the arbiter's verdict (`Login:applied`, `Ready:TANDEM_ERR_AGENT_PRIORITY`). */
  readonly requests: readonly string[];
}

const PIDF_TYPES = new Set(["application/pidf+xml", "application/cpim-pidf+xml"]);

export interface NotifyHandlerDeps {
  readonly dns: DnRegistry;
  readonly config: PresenceConfig;
  readonly metrics: PresenceMetrics;
  readonly log: Logger;
}

export function handleNotify(
  deps: NotifyHandlerDeps,
  dn: string,
  view: PresenceView,
  notify: NotifyInfo,
  firstInDialog: boolean,
): { view: PresenceView; summary: NotifySummary } {
  const at = new Date().toISOString();
  const previous = firstInDialog ? { ...view, seenInDialog: false } : view;
  const input = readInput(deps, dn, notify);
  if (input.kind === "skip") {
    deps.metrics.notifies.inc({ result: input.result });
    return { view, summary: { at, subscriptionState: notify.state, requests: [], ...(input.error ? { error: input.error } : {}) } };
  }
  const agent = deps.dns.agent(dn);
  const mapped = mapPresence(previous, input, agent, readingFor(deps, dn));
  const verdicts = execute(deps, dn, mapped.requests);
  deps.metrics.notifies.inc({ result: input.kind === "terminated" ? "terminated" : "applied" });
  const summary: NotifySummary =
    input.kind === "presence"
      ? { at, subscriptionState: notify.state, basic: input.presence.basic, activities: input.presence.activities, requests: verdicts }
      : { at, subscriptionState: notify.state, requests: verdicts };
  return { view: mapped.view, summary };
}

type ReadOutcome = PresenceInput | { kind: "skip"; result: string; error?: string };

function readInput(deps: NotifyHandlerDeps, dn: string, notify: NotifyInfo): ReadOutcome {
  // The softphone exited (spec, Endpoint Support); any body that comes with it is stale.
  if (notify.state === "terminated") return { kind: "terminated", ...(notify.reason ? { reason: notify.reason } : {}) };
  // RFC 6665 §4.2.1 allows a NOTIFY without state (e.g. while pending): nothing to map.
  if (notify.state === "pending" || notify.body.trim() === "") return { kind: "skip", result: "empty" };
  const type = (notify.contentType ?? "application/pidf+xml").split(";")[0]?.trim().toLowerCase() ?? "";
  if (!PIDF_TYPES.has(type)) return unreadable(deps, dn, PresenceErrors.badContentType(type).code, `Content-Type ${type}`);
  const parsed = parsePidf(notify.body, deps.config.maxBodyBytes);
  if (!parsed.ok) return unreadable(deps, dn, parsed.code, parsed.reason);
  return { kind: "presence", presence: parsed.presence };
}

function unreadable(deps: NotifyHandlerDeps, dn: string, code: string, reason: string): ReadOutcome {
  deps.metrics.parseFailures.inc({ code });
  deps.log.warn({ dn, code }, `presence NOTIFY body ignored, agent state unchanged: ${reason}`);
  return { kind: "skip", result: "unreadable", error: code };
}

function readingFor(deps: NotifyHandlerDeps, dn: string): ClosedOnThePhone {
  return DN_OPTION_CLOSED_ON_THE_PHONE.read(deps.dns.get(dn)) ?? deps.config.closedOnThePhone;
}

/** Sends the planned requests in order and stops at the first refusal (the rest assumed it applied). */
function execute(deps: NotifyHandlerDeps, dn: string, requests: readonly PlannedRequest[]): string[] {
  const verdicts: string[] = [];
  for (const planned of requests) {
    let result: AgentStateResult;
    try {
      result = deps.dns.requestAgentState({
        dn,
        request: planned.request,
        source: "presence",
        ...(planned.reasonCode !== undefined ? { reasonCode: planned.reasonCode } : {}),
        ...(planned.workMode !== undefined ? { workMode: planned.workMode } : {}),
        // Presence's Ready means "the phone gave no reason any more": its own NotReady goes even when the
        // desktop's NotReady keeps the agent from Ready (which then stays what the agent shows).
        ...(planned.request === "Ready" ? { withdrawOwnNotReady: true } : {}),
      });
    } catch (err) {
      deps.log.error({ dn, err, request: planned.request }, "agent-state request failed");
      deps.metrics.requests.inc({ request: planned.request, result: "error" });
      verdicts.push(`${planned.request}:error`);
      break;
    }
    const verdict = result.applied ? "applied" : (result.code ?? "unchanged");
    deps.metrics.requests.inc({ request: planned.request, result: result.applied ? "applied" : result.code ? "refused" : "unchanged" });
    verdicts.push(`${planned.request}:${verdict}`);
    deps.log.debug({ dn, request: planned.request, rule: planned.rule, verdict }, "presence request");
    if (!result.applied && result.code !== undefined) break;
  }
  return verdicts;
}
