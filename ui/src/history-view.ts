/** Call history from `GET /api/v1/calls/history`, filtered by time, agent, ANI, DNIS and outcome. */
import type { Api } from "./api.js";
import type { CallRecord } from "./api-types.js";
import { fill, h } from "./dom.js";
import { dateTime, duration } from "./format.js";

const OUTCOMES = ["", "answered", "abandoned", "rejected", "failed", "lost"];

function input(name: string, label: string, type = "text"): HTMLLabelElement {
  return h("label", {}, label, h("input", { name, type, autocomplete: "off" }));
}

function rows(calls: CallRecord[]): HTMLElement {
  if (calls.length === 0) return h("p", { class: "empty" }, "No calls match.");
  const headers = ["Started", "ConnID", "Outcome", "ANI", "DNIS", "Agent", "Queue wait", "Duration", "Ended by"];
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
        ),
      ),
    ),
  );
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
      const { calls } = await api.get<{ calls: CallRecord[] }>("/calls/history", query);
      fill(results, rows(calls));
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
