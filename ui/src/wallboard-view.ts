/** The wallboard: agents, queues, trunks, calls in progress, charts, plugins and health, from `LiveState`. */
import { h } from "./dom.js";
import { barChart, lineChart } from "./charts.js";
import { duration, since } from "./format.js";
import { AGENT_STATES, type LiveState } from "./live-state.js";

function panel(title: string, id: string, ...body: Array<Node | string>): HTMLElement {
  return h("section", { class: "panel", id }, h("h2", {}, title), ...body);
}

function table(headers: string[], rows: HTMLTableRowElement[], empty: string): HTMLElement {
  if (rows.length === 0) return h("p", { class: "empty" }, empty);
  return h("table", {}, h("thead", {}, h("tr", {}, ...headers.map((x) => h("th", {}, x)))), h("tbody", {}, ...rows));
}

const callLink = (connId: string): HTMLAnchorElement => h("a", { href: `#/call/${encodeURIComponent(connId)}`, class: "conn" }, connId);

function agentsPanel(state: LiveState, now: number): HTMLElement {
  const rows = state.agents.map((a) =>
    h(
      "tr",
      { "data-dn": a.dn, "data-state": a.state },
      h("td", {}, a.dn),
      h("td", {}, h("span", { class: `badge state-${a.state}` }, a.state)),
      h("td", {}, a.reasonCode ?? ""),
      h("td", { class: "num" }, since(a.since, now)),
      h("td", {}, ...a.calls.map(callLink)),
      h("td", { class: "muted" }, a.setBy ?? ""),
    ),
  );
  return panel("Agents", "agents", table(["DN", "State", "Reason", "In state", "Call", "Set by"], rows, "No agent DNs configured."));
}

function queuesPanel(state: LiveState): HTMLElement {
  if (state.queues === undefined) return panel("Queues", "queues", h("p", { class: "empty" }, "The routing plugin is not enabled."));
  const rows = state.queues.map((q) =>
    h(
      "tr",
      { "data-queue": q.name },
      h("td", {}, q.name),
      h("td", { class: "num" }, q.waiting),
      h("td", { class: "num" }, q.waiting > 0 ? duration(q.oldestWaitMs ?? 0) : "—"),
      h("td", { class: "num" }, q.readyAgents),
    ),
  );
  return panel("Queues", "queues", table(["Queue", "Waiting", "Longest wait", "Ready agents"], rows, "No queues configured."));
}

function trunksPanel(state: LiveState): HTMLElement {
  if (state.trunks === undefined) return panel("Trunks", "trunks", h("p", { class: "empty" }, "The trunk-selection plugin is not enabled."));
  const rows = state.trunks.map((t) => {
    const probe = t.endpoints.map((e) => e.lastProbe).find((p) => p !== null);
    const probeText = probe ? `${probe.result}${probe.status ? ` ${probe.status}` : ""}${probe.at ? ` · ${since(probe.at)} ago` : ""}` : "never";
    return h(
      "tr",
      { "data-trunk": t.number, "data-state": t.state },
      h("td", {}, t.number),
      h("td", {}, h("span", { class: `badge trunk-${t.state}` }, t.state)),
      h("td", { class: "muted" }, t.endpoints.length === 1 ? (t.endpoints[0]?.uri ?? "") : t.endpoints.map((e) => `${e.uri} (${e.state})`).join(", ")),
      h("td", {}, probeText),
      h("td", { class: "num" }, t.callsInProgress),
    );
  });
  return panel("Trunks", "trunks", table(["Trunk", "State", "Endpoint", "Last probe", "Calls"], rows, "No trunks configured."));
}

function callsPanel(state: LiveState, now: number): HTMLElement {
  // With the supervision plugin on, each call links to its page's monitor / coach / barge controls.
  const supervision = state.plugins.some((p) => p.id === "supervision" && p.status === "ready");
  const rows = state.calls.map((c) =>
    h(
      "tr",
      { "data-conn": c.connId },
      h("td", {}, callLink(c.connId)),
      h("td", {}, h("span", { class: `badge call-${c.state}` }, c.state)),
      h("td", {}, c.ani ?? "anonymous"),
      h("td", {}, c.dnis),
      h("td", { class: "parties" }, c.parties.filter((p) => p.until === undefined).map((p) => `${p.role} ${p.dn}`).join(" · ")),
      h("td", { class: "num" }, since(c.startedAt, now)),
      supervision ? h("td", {}, c.agentDn ? h("a", { href: `#/call/${encodeURIComponent(c.connId)}`, class: "supervise" }, "Supervise") : "") : null,
    ),
  );
  const headers = ["ConnID", "State", "ANI", "DNIS", "Parties", "Duration", ...(supervision ? [""] : [])];
  return panel("Calls in progress", "calls", table(headers, rows, "No calls in progress."));
}

function chartsPanel(state: LiveState, now: number): HTMLElement {
  const perMinute = state.callsPerMinute(now);
  const samples = state.samples;
  const first = samples[0] ? new Date(samples[0].at).toLocaleTimeString([], { hour12: false }) : "";
  const agentSeries = AGENT_STATES.map((st) => ({ name: st, className: `state-${st}`, values: samples.map((x) => x.agents[st]) }));
  return panel(
    "Last hour",
    "charts",
    h(
      "div",
      { class: "charts" },
      h("figure", {}, barChart("Calls per minute", perMinute, (i) => `-${59 - i}m`), h("figcaption", {}, "Calls per minute")),
      h("figure", {}, barChart("Longest queue wait", state.queueWaitPerMinute(now), (i) => `-${59 - i}m`, "s"), h("figcaption", {}, "Longest queue wait of the calls started each minute, s")),
      h("figure", {}, lineChart("Agents by state", samples.map((x) => x.at), agentSeries, first, "now"), h("figcaption", {}, "Agents by state (since this page opened)")),
    ),
  );
}

function systemPanel(state: LiveState): HTMLElement {
  const health = state.health;
  const rows = state.plugins.map((p) => h("tr", { "data-plugin": p.id }, h("td", {}, p.id), h("td", {}, p.version), h("td", {}, h("span", { class: `badge plugin-${p.status}` }, p.status))));
  return panel(
    "System",
    "system",
    h("p", {}, health ? `Tandem ${health.version} · ${health.status} · up ${duration(health.uptimeSeconds * 1000)} · last event #${health.counts?.lastSeq ?? 0}` : "…"),
    table(["Plugin", "Version", "Status"], rows, "No plugins enabled."),
  );
}

export function renderWallboard(state: LiveState): HTMLElement {
  const now = Date.now();
  return h(
    "div",
    { class: "wallboard" },
    agentsPanel(state, now),
    queuesPanel(state),
    callsPanel(state, now),
    trunksPanel(state),
    chartsPanel(state, now),
    systemPanel(state),
  );
}
