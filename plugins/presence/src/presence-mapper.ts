/**
 * The spec's presence → agent-state rules ("Managing Agents over SIP", Presence; Private Calls; Endpoint
 * Support) as one pure function. It only *plans* requests; the DN registry's arbiter applies them with the
 * priority rule against the desktop, so a refused request is normal, not an error.
 *
 * - open, agent logged out → Login; with no activity straight into Ready (the first NOTIFY `open` gives
 *   EventAgentLogin then EventAgentReady), with an activity into NotReady with that reason.
 * - open, no activity, agent NotReady → Ready (never out of AfterCallWork: the call model owns that).
 * - open with an activity, agent Ready → NotReady with the activity as reasonCode.
 * - closed → Logout when logged in; closed + on-the-phone → per the DN's reading (default busy: as open).
 * - Subscription-State terminated: RFC 6665 §4.1.3 decides. `rejected`, `noresource` and `invariant` say the
 *   notifier will not (or cannot) report this phone again → Logout when logged in. Every other reason (`timeout`,
 *   `deactivated`, `probation`, `giveup`, none) only ends this dialog: the state is kept and the new
 *   subscription's first NOTIFY decides (a softphone that exited is reported `closed` there → Logout).
 * - While the agent is on a contact-centre call Tandem delivered, the phone's activities are that call:
 *   no NotReady, and the NOTIFY that ends them does not make the agent Ready (the call model decides).
 */
import type { AgentRequestKind, AgentSnapshot, WorkMode } from "@tandem/sdk";
import type { ClosedOnThePhone } from "./manifest.js";
import type { BasicStatus, ParsedPresence } from "./pidf-parser.js";

/** What presence last saw for one DN. */
export interface PresenceView {
  /** A NOTIFY with a state was applied in the current subscription dialog. */
  readonly seenInDialog: boolean;
  readonly basic: BasicStatus | undefined;
  readonly activities: readonly string[];
  /** The current activity began while the agent was on a Tandem call, so its end belongs to the call model. */
  readonly maskedByCall: boolean;
}

export const INITIAL_VIEW: PresenceView = { seenInDialog: false, basic: undefined, activities: [], maskedByCall: false };

/** A NOTIFY reduced to what the rules read. */
export type PresenceInput =
  | { readonly kind: "presence"; readonly presence: ParsedPresence }
  | { readonly kind: "terminated"; readonly reason?: string };

/** One request for the arbiter, with the rule that produced it (for logs). */
export interface PlannedRequest {
  readonly request: AgentRequestKind;
  readonly reasonCode?: string;
  readonly workMode?: WorkMode;
  readonly rule: string;
}

export interface MappingResult {
  readonly view: PresenceView;
  readonly requests: readonly PlannedRequest[];
}

/** Activities that carry no information (RFC 4480 §3.2 `unknown`). */
const EMPTY_ACTIVITIES = new Set(["unknown"]);
const ON_THE_PHONE = "on-the-phone";
/** RFC 6665 §4.1.3 reasons after which the subscriber SHOULD NOT re-subscribe: the phone is not reported any more. */
export const RESOURCE_GONE: ReadonlySet<string> = new Set(["rejected", "noresource", "invariant"]);

/** Plans the arbiter requests for one NOTIFY. Pure: same inputs, same answer. */
export function mapPresence(
  view: PresenceView,
  input: PresenceInput,
  agent: AgentSnapshot | undefined,
  reading: ClosedOnThePhone,
): MappingResult {
  if (input.kind === "terminated") {
    const gone = input.reason !== undefined && RESOURCE_GONE.has(input.reason);
    const requests: PlannedRequest[] = gone && loggedIn(agent) ? [{ request: "Logout", rule: `terminated-${input.reason}` }] : [];
    return { view: INITIAL_VIEW, requests };
  }
  const activities = input.presence.activities.filter((a) => !EMPTY_ACTIVITIES.has(a));
  const seen: PresenceView = { seenInDialog: true, basic: input.presence.basic, activities, maskedByCall: false };
  if (agent === undefined) return { view: seen, requests: [] };
  const onCall = agent.calls.length > 0;
  if (input.presence.basic === "closed" && !closedMeansBusy(activities, onCall, reading)) {
    const requests: PlannedRequest[] = loggedIn(agent) ? [{ request: "Logout", rule: "closed" }] : [];
    return { view: seen, requests };
  }
  return mapOpen(view, seen, activities, agent, onCall);
}

/** Spec: closed + on-the-phone is a private call on an extension without call waiting, unless the DN says logout. */
function closedMeansBusy(activities: readonly string[], onCall: boolean, reading: ClosedOnThePhone): boolean {
  if (!activities.includes(ON_THE_PHONE)) return false;
  // During a Tandem call the phone is on *our* call; logging the agent out for it would be absurd.
  return onCall || reading === "busy";
}

function mapOpen(
  previous: PresenceView,
  seen: PresenceView,
  activities: readonly string[],
  agent: AgentSnapshot,
  onCall: boolean,
): MappingResult {
  const activity = activities[0];
  // A Tandem call, or the tail of one (CUCM may still say on-the-phone after our BYE): not a private call.
  const ours = activity !== undefined && (onCall || previous.maskedByCall);
  const view = ours ? { ...seen, maskedByCall: true } : seen;
  const initial = !previous.seenInDialog;
  if (agent.baseState === "LoggedOut") return { view, requests: loginPlan(activity, ours, initial) };
  if (activity !== undefined) {
    if (ours) return { view, requests: [] };
    if (agent.baseState === "Ready") return { view, requests: [{ request: "NotReady", reasonCode: activity, rule: "activity-while-ready" }] };
    // Our own NotReady (alerting → on-the-phone): keep its reason current. Someone else's: leave it alone.
    const ownNotReady = agent.setBy === "presence" && agent.workMode !== "AfterCallWork";
    if (ownNotReady && agent.reasonCode !== activity) return { view, requests: [{ request: "NotReady", reasonCode: activity, rule: "activity-reason" }] };
    return { view, requests: [] };
  }
  // The end of a Tandem call's on-the-phone, or a NOTIFY during one: the call model decides, not presence.
  if (previous.maskedByCall || onCall) return { view, requests: [] };
  if (agent.baseState === "NotReady" && agent.workMode !== "AfterCallWork") {
    return { view, requests: [{ request: "Ready", rule: initial ? "initial-open" : "no-activity" }] };
  }
  return { view, requests: [] };
}

/**
 * Login for a logged-out agent. With no activity, Login in AutoIn work mode: the arbiter goes straight to
 * Ready and emits exactly EventAgentLogin + EventAgentReady, as the spec says for the first NOTIFY.
 * With an activity (a private call already up), Login into NotReady with the activity as reason, then the
 * NotReady request again so that presence holds the NotReady (the desktop cannot make it Ready mid-call).
 */
function loginPlan(activity: string | undefined, ours: boolean, initial: boolean): PlannedRequest[] {
  const rule = initial ? "initial-open" : "open-logged-out";
  if (activity === undefined || ours) return [{ request: "Login", workMode: "AutoIn", rule }];
  return [
    { request: "Login", reasonCode: activity, rule },
    { request: "NotReady", reasonCode: activity, rule: "activity-at-login" },
  ];
}

function loggedIn(agent: AgentSnapshot | undefined): boolean {
  return agent !== undefined && agent.baseState !== "LoggedOut";
}
