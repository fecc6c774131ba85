/**
 * One call: its event timeline beside the SIP ladder of its legs, the full message under the ladder on click;
 * with the supervision plugin on, supervision of a call in progress; with the recording plugin on, the call's
 * recordings and their playback. A plugin that is off shows no controls.
 */
import type { Api } from "./api.js";
import type { CallTrace, TandemEvent, TracedMessage } from "./api-types.js";
import { fill, h } from "./dom.js";
import { enabledPlugins } from "./enabled-plugins.js";
import { clock, dateTime, duration } from "./format.js";
import { recordingsPanel } from "./recordings-panel.js";
import { sipLadder } from "./sip-ladder.js";
import { supervisionPanel } from "./supervision-panel.js";

function eventSummary(e: TandemEvent): string {
  const keys = ["reasonCode", "otherDn", "thisDn", "ani", "queue", "cause", "status", "reason"];
  return keys.filter((k) => e.data[k] !== undefined && e.data[k] !== null).map((k) => `${k}=${String(e.data[k])}`).join(" ");
}

function timeline(events: TandemEvent[]): HTMLElement {
  if (events.length === 0) return h("p", { class: "empty" }, "No events for this call.");
  const first = Date.parse(events[0]!.ts);
  return h(
    "ol",
    { class: "timeline" },
    ...events.map((e) =>
      h(
        "li",
        { "data-event": e.name },
        h("span", { class: "time" }, `${clock(e.ts)} +${Date.parse(e.ts) - first} ms`),
        h("span", { class: "name" }, e.name),
        h("span", { class: "muted" }, [e.dn, e.source].filter(Boolean).join(" · ")),
        h("span", { class: "data" }, eventSummary(e)),
      ),
    ),
  );
}

function summary(trace: CallTrace): HTMLElement {
  const c = trace.call;
  const end = c.endedAt ? Date.parse(c.endedAt) : Date.now();
  const facts: Array<[string, string]> = [
    ["State", c.outcome ? `${c.state} (${c.outcome})` : c.state],
    ["ANI", c.ani ?? "anonymous"],
    ["DNIS", c.dnis],
    ["Agent", c.agentDn ?? ""],
    ["Queue", c.queue ?? ""],
    ["Started", dateTime(c.startedAt)],
    ["Duration", duration(end - Date.parse(c.startedAt))],
  ];
  return h("dl", { class: "facts" }, ...facts.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

export async function renderCallDetail(api: Api, connId: string, root: HTMLElement): Promise<void> {
  fill(root, h("p", {}, "Loading…"));
  let trace: CallTrace;
  let plugins: Set<string>;
  try {
    [trace, plugins] = await Promise.all([api.get<CallTrace>(`/calls/${encodeURIComponent(connId)}/trace`), enabledPlugins(api)]);
  } catch (error) {
    fill(root, h("p", { class: "error" }, `Call ${connId}: ${(error as Error).message}`));
    return;
  }
  const message = h("pre", { class: "sip-message", id: "sip-message" }, "Click a message in the ladder to read it whole.");
  const show = (m: TracedMessage, row: SVGElement): void => {
    for (const other of row.parentElement?.querySelectorAll(".msg.selected") ?? []) other.classList.remove("selected");
    row.classList.add("selected");
    message.textContent = `${m.direction === "in" ? "received from" : "sent to"} ${m.peer} at ${clock(m.atMs)}\n\n${m.text}`;
  };
  const ladder = trace.messages.length > 0
    ? h("div", { class: "ladder-wrap" }, sipLadder(trace, show))
    : h("p", { class: "empty" }, trace.traceEnabled ? "No SIP messages kept for this call (older than sipTrace.retentionMinutes, or evicted)." : "The SIP trace is off (sipTrace.enabled).");
  const inProgress = !trace.call.endedAt;
  const plugged = h(
    "div",
    { class: "plugin-panels" },
    plugins.has("supervision") && inProgress ? supervisionPanel(api, trace.call) : null,
    plugins.has("recording") ? recordingsPanel(api, connId) : null,
  );
  fill(
    root,
    h("h2", {}, `Call ${connId}`),
    summary(trace),
    plugged,
    h(
      "div",
      { class: "call-detail" },
      h("section", { class: "panel", id: "timeline" }, h("h3", {}, "Event timeline"), timeline(trace.events)),
      h(
        "section",
        { class: "panel", id: "ladder" },
        h("h3", {}, `SIP ladder (${trace.messages.length} messages${trace.droppedMessages > 0 ? `, ${trace.droppedMessages} not kept` : ""})`),
        ladder,
        message,
      ),
    ),
  );
}
