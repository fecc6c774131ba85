/**
 * Supervision of a call in progress (supervision plugin): monitor (mute), coach (whisper) or barge (connect) the
 * call's agent from a supervisor DN the admin types (kept in this tab's sessionStorage), switch the mode of an
 * active monitoring, cancel it. Every button is one request of `/api/v1/plugins/supervision/monitorings`; a
 * refusal is shown with its code (out-of-scope agent, supervisor phone that cannot be rung, a mode the MCU
 * adapter lacks …).
 */
import { ApiError, type Api } from "./api.js";
import type { ActiveCall, Monitoring, MonitorMode, TandemEvent } from "./api-types.js";
import { h } from "./dom.js";
import { TANDEM_EVENT } from "./event-stream.js";
import { since } from "./format.js";

const MONITORINGS = "/plugins/supervision/monitorings";
const SUPERVISOR_KEY = "tandem.supervisorDn";

const MODES: Array<{ mode: MonitorMode; label: string; title: string }> = [
  { mode: "mute", label: "Monitor", title: "Listen; nobody hears the supervisor" },
  { mode: "coach", label: "Coach", title: "Listen; only the agent hears the supervisor" },
  { mode: "connect", label: "Barge", title: "Join the conversation; everyone hears the supervisor" },
];

/** The request that moves a monitoring from one mode to another (the Genesys RequestSetMuteOn/Off rules). */
function switchRequest(from: MonitorMode, to: MonitorMode): { verb: "mute-on" | "mute-off"; body: { mode?: "coach" } } | undefined {
  if (to === "mute") return { verb: "mute-on", body: {} };
  if (to === "connect") return { verb: "mute-off", body: {} };
  if (from === "mute") return { verb: "mute-off", body: { mode: "coach" } };
  if (from === "connect") return { verb: "mute-on", body: { mode: "coach" } };
  return undefined;
}

/** The agent's monitorings, the row of the supervisor DN typed on this page marked as its own. */
function monitoringsTable(rows: Monitoring[], supervisorDn: string): HTMLElement {
  const headers = ["Supervisor", "Mode", "State", "Call", "Since"];
  return h(
    "table",
    {},
    h("thead", {}, h("tr", {}, ...headers.map((x) => h("th", {}, x)))),
    h(
      "tbody",
      {},
      ...rows.map((m) =>
        h(
          "tr",
          { "data-supervisor": m.supervisorDn, "data-mode": m.mode, "data-state": m.state, class: m.supervisorDn === supervisorDn ? "mine" : "" },
          h("td", {}, m.supervisorDn),
          h("td", {}, h("span", { class: `badge mode-${m.mode}` }, m.mode)),
          h("td", {}, m.state),
          h("td", {}, m.connId ?? "next call"),
          h("td", { class: "num" }, since(m.since)),
        ),
      ),
    ),
  );
}

export function supervisionPanel(api: Api, call: Pick<ActiveCall, "connId" | "agentDn">): HTMLElement {
  const agentDn = call.agentDn;
  const supervisor = h("input", { name: "supervisorDn", id: "supervisor-dn", autocomplete: "off", placeholder: "e.g. 2001", size: 10, value: sessionStorage.getItem(SUPERVISOR_KEY) ?? "" });
  const outcome = h("p", { class: "supervision-outcome", id: "supervision-outcome", role: "alert" });
  const list = h("div", { id: "monitorings" });
  const buttons = h("div", { class: "actions" });

  const report = (error: unknown): void => {
    outcome.className = "supervision-outcome error";
    outcome.dataset.code = error instanceof ApiError ? error.code : "";
    outcome.textContent = error instanceof ApiError ? `${error.code}: ${error.message}` : (error as Error).message;
  };
  const done = (text: string): void => {
    outcome.className = "supervision-outcome muted";
    outcome.dataset.code = "";
    outcome.textContent = text;
  };
  const chosenSupervisor = (): string | undefined => {
    const dn = supervisor.value.trim();
    if (dn === "") return undefined;
    sessionStorage.setItem(SUPERVISOR_KEY, dn);
    return dn;
  };
  const act = async (request: () => Promise<string>): Promise<void> => {
    for (const b of buttons.querySelectorAll("button")) b.disabled = true;
    try {
      done(await request());
    } catch (error) {
      report(error);
    }
    await refresh();
  };

  const render = (mine: Monitoring | undefined, others: Monitoring[]): void => {
    const dn = supervisor.value.trim();
    const controls = mine
      ? [
          ...MODES.filter((m) => m.mode !== mine.mode && switchRequest(mine.mode, m.mode)).map((m) =>
            h("button", { type: "button", "data-switch": m.mode, title: m.title, onclick: () => void act(async () => {
              const move = switchRequest(mine.mode, m.mode);
              if (!move) return "";
              await api.send("POST", `${MONITORINGS}/${encodeURIComponent(mine.supervisorDn)}/${move.verb}`, move.body);
              return `${mine.supervisorDn} switched to ${m.mode}.`;
            }) }, `Switch to ${m.label.toLowerCase()}`),
          ),
          h("button", { type: "button", class: "danger", "data-action": "cancel", onclick: () => void act(async () => {
            await api.send("DELETE", `${MONITORINGS}/${encodeURIComponent(mine.supervisorDn)}`);
            return `${mine.supervisorDn} stopped monitoring.`;
          }) }, "Cancel monitoring"),
        ]
      : MODES.map((m) =>
          h("button", { type: "button", "data-mode": m.mode, title: m.title, onclick: () => void act(async () => {
            if (!agentDn) throw new Error("This call has no agent to monitor.");
            const dn = chosenSupervisor();
            if (!dn) throw new Error("Type the supervisor's DN first: its phone is rung to join the call.");
            const created = await api.send<Monitoring>("POST", MONITORINGS, { supervisorDn: dn, agentDn, mode: m.mode, monitorType: "one-call" });
            return `${dn} ${created?.state === "active" ? "is joining" : "waits for"} agent ${agentDn}'s call in ${m.mode} mode.`;
          }) }, m.label),
        );
    buttons.replaceChildren(...controls);
    const rows = [mine, ...others].filter((m): m is Monitoring => m !== undefined);
    list.replaceChildren(
      rows.length > 0
        ? monitoringsTable(rows, dn)
        : h("p", { class: "muted" }, agentDn ? `Nobody monitors agent ${agentDn}.` : "This call has no agent yet."),
    );
  };
  const refresh = async (): Promise<void> => {
    try {
      const { monitorings } = await api.get<{ monitorings: Monitoring[] }>(MONITORINGS);
      const dn = supervisor.value.trim();
      const ofAgent = monitorings.filter((m) => m.agentDn === agentDn);
      const mine = monitorings.find((m) => m.supervisorDn === dn && m.agentDn === agentDn);
      render(mine, ofAgent.filter((m) => m !== mine));
    } catch (error) {
      report(error);
    }
  };
  // A join fails after the request was accepted (the supervisor's phone cannot be rung, the call ended …): the
  // plugin says so with EventError to the supervisor's DN. Monitoring events change the list.
  const follow = (event: Event): void => {
    if (!panel.isConnected) {
      window.removeEventListener(TANDEM_EVENT, follow);
      return;
    }
    const e = (event as CustomEvent<TandemEvent>).detail;
    const dn = supervisor.value.trim();
    if (e.dn !== dn && e.dn !== agentDn) return;
    if (e.name === "EventError" && e.dn === dn) report(new ApiError(0, String(e.data["code"] ?? "EventError"), String(e.data["message"] ?? "")));
    if (/^Event(Monitoring|PartyAdded|PartyDeleted|PrivateInfo|Error)/.test(e.name)) void refresh();
  };
  window.addEventListener(TANDEM_EVENT, follow);
  supervisor.addEventListener("change", () => {
    sessionStorage.setItem(SUPERVISOR_KEY, supervisor.value.trim());
    void refresh();
  });
  void refresh();
  const panel = h(
    "section",
    { class: "panel", id: "supervision" },
    h("h3", {}, agentDn ? `Supervise agent ${agentDn}` : "Supervise"),
    h("div", { class: "supervision-row" }, h("label", { for: "supervisor-dn" }, "Supervisor DN"), supervisor, buttons),
    outcome,
    list,
  );
  return panel;
}
