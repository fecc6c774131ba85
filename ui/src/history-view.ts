/**
 * Call history from `GET /api/v1/calls/history`, filtered by time, agent, ANI, DNIS and outcome. With the recording
 * plugin on, a call with recordings has a button that opens them (metadata, playback, download) under its row.
 */
import type { Api } from "./api.js";
import type { CallRecord, Recording } from "./api-types.js";
import { fill, h } from "./dom.js";
import { enabledPlugins } from "./enabled-plugins.js";
import { dateTime, duration } from "./format.js";
import { RECORDINGS, recordingsList } from "./recordings-panel.js";

const OUTCOMES = ["", "answered", "abandoned", "rejected", "failed", "lost"];

function input(name: string, label: string, type = "text"): HTMLLabelElement {
  return h("label", {}, label, h("input", { name, type, autocomplete: "off" }));
}

/** The recordings of the listed calls by ConnID, or undefined when the recording plugin is off. */
type RecordingsByCall = Map<string, Recording[]> | undefined;

function recordingCell(api: Api, c: CallRecord, byCall: RecordingsByCall, columns: number): HTMLElement | null {
  if (byCall === undefined) return null;
  const recordings = byCall.get(c.connId) ?? [];
  if (recordings.length === 0) return h("td", {}, "");
  const open = h("button", { type: "button", class: "secondary recordings-toggle", "aria-expanded": "false" }, `▶ ${recordings.length}`);
  open.addEventListener("click", () => {
    const row = open.closest("tr");
    const next = row?.nextElementSibling;
    if (next?.classList.contains("recordings-row")) {
      next.remove();
      open.setAttribute("aria-expanded", "false");
      return;
    }
    row?.after(h("tr", { class: "recordings-row", "data-recordings-of": c.connId }, h("td", { colspan: columns }, recordingsList(api, recordings))));
    open.setAttribute("aria-expanded", "true");
  });
  return h("td", {}, open);
}

function rows(api: Api, calls: CallRecord[], byCall: RecordingsByCall): HTMLElement {
  if (calls.length === 0) return h("p", { class: "empty" }, "No calls match.");
  const headers = ["Started", "ConnID", "Outcome", "ANI", "DNIS", "Agent", "Queue wait", "Duration", "Ended by", ...(byCall ? ["Recordings"] : [])];
  return h(
    "table",
    {},
    h("thead", {}, h("tr", {}, ...headers.map((x) => h("th", {}, x)))),
    h(
      "tbody",
      {},
      ...calls.map((c) =>
        h(
          "tr",
          { "data-conn": c.connId },
          h("td", {}, dateTime(c.startedAt)),
          h("td", {}, h("a", { href: `#/call/${encodeURIComponent(c.connId)}`, class: "conn" }, c.connId)),
          h("td", {}, h("span", { class: `badge outcome-${c.outcome ?? "open"}` }, c.outcome ?? c.state)),
          h("td", {}, c.ani ?? "anonymous"),
          h("td", {}, c.dnis),
          h("td", {}, c.agentDn ?? ""),
          h("td", { class: "num" }, c.queueWaitMs !== undefined ? duration(c.queueWaitMs) : ""),
          h("td", { class: "num" }, c.endedAt ? duration(Date.parse(c.endedAt) - Date.parse(c.startedAt)) : "in progress"),
          h("td", {}, c.releasedBy ?? (c.rejectStatus ? String(c.rejectStatus) : "")),
          recordingCell(api, c, byCall, headers.length),
        ),
      ),
    ),
  );
}

/** The recordings started within the listed calls' span (one request, not one per call), by ConnID. */
async function recordingsOf(api: Api, calls: CallRecord[]): Promise<Map<string, Recording[]>> {
  const byCall = new Map<string, Recording[]>();
  if (calls.length === 0) return byCall;
  const from = calls.reduce((min, c) => (c.startedAt < min ? c.startedAt : min), calls[0]!.startedAt);
  const { recordings } = await api.get<{ recordings: Recording[] }>(RECORDINGS, { from, limit: "1000" });
  for (const r of recordings) byCall.set(r.connId, [...(byCall.get(r.connId) ?? []), r]);
  return byCall;
}

export function renderHistory(api: Api, root: HTMLElement): void {
  const results = h("div", { id: "history-results" });
  const form = h(
    "form",
    { class: "filters", id: "history-filters" },
    input("from", "From", "datetime-local"),
    input("to", "To", "datetime-local"),
    input("agentDn", "Agent DN"),
    input("ani", "ANI"),
    input("dnis", "DNIS"),
    h("label", {}, "Outcome", h("select", { name: "outcome" }, ...OUTCOMES.map((o) => h("option", { value: o }, o || "any")))),
    h("button", { type: "submit" }, "Search"),
  );
  const search = async (): Promise<void> => {
    const data = new FormData(form);
    const text = (key: string): string | undefined => (data.get(key) as string | null)?.trim() || undefined;
    const time = (key: string): string | undefined => {
      const value = text(key);
      return value ? new Date(value).toISOString() : undefined;
    };
    fill(results, h("p", {}, "Searching…"));
    try {
      const query = { from: time("from"), to: time("to"), agentDn: text("agentDn"), ani: text("ani"), dnis: text("dnis"), outcome: text("outcome"), limit: "200" };
      const [{ calls }, plugins] = await Promise.all([api.get<{ calls: CallRecord[] }>("/calls/history", query), enabledPlugins(api)]);
      const byCall = plugins.has("recording") ? await recordingsOf(api, calls) : undefined;
      fill(results, rows(api, calls, byCall));
    } catch (error) {
      fill(results, h("p", { class: "error" }, (error as Error).message));
    }
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void search();
  });
  fill(root, h("h2", {}, "Call history"), form, results);
  void search();
}
