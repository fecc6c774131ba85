/**
 * The dashboard's entry point: sign-in with an admin token, then three views by URL fragment — the live
 * wallboard (`#/`), call history (`#/history`) and one call's detail (`#/call/<ConnID>`).
 */
import { Api, ApiError } from "./api.js";
import type { TandemEvent } from "./api-types.js";
import { renderCallDetail } from "./call-detail-view.js";
import { fill, h } from "./dom.js";
import { EventStream, TANDEM_EVENT, type StreamStatus } from "./event-stream.js";
import { renderHistory } from "./history-view.js";
import { LiveState } from "./live-state.js";
import { tokenStore } from "./token-store.js";
import { renderWallboard } from "./wallboard-view.js";

const main = document.getElementById("main") as HTMLElement;
const status = document.getElementById("stream-status") as HTMLElement;
const signOut = document.getElementById("sign-out") as HTMLButtonElement;

function signInForm(message?: string): void {
  status.textContent = "";
  signOut.hidden = true;
  const token = h("input", { type: "password", name: "token", id: "token", autocomplete: "off", required: true, placeholder: "admin token" });
  const form = h(
    "form",
    { class: "sign-in", id: "sign-in" },
    h("h2", {}, "Sign in"),
    h("p", { class: "muted" }, "An admin token from admin.tokens. It is kept in this tab only (sessionStorage)."),
    token,
    h("button", { type: "submit" }, "Sign in"),
    message ? h("p", { class: "error", id: "sign-in-error", role: "alert" }, message) : null,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void signIn(token.value.trim());
  });
  fill(main, form);
  token.focus();
}

async function signIn(token: string): Promise<void> {
  const api = new Api(token);
  try {
    await api.get("/agents");
  } catch (error) {
    tokenStore.clear();
    const text = error instanceof ApiError && error.status === 401 ? "That token was not accepted." : `Cannot sign in: ${(error as Error).message}`;
    signInForm(text);
    return;
  }
  tokenStore.set(token);
  start(api);
}

function start(api: Api): void {
  signOut.hidden = false;
  const state = new LiveState(api, () => route());
  const stream = new EventStream(api, {
    event: (e) => {
      // The last seq seen, on the page: where a reconnect resumes (and what a test can wait for).
      status.dataset.seq = String(e.seq);
      state.onEvent(e);
      // Panels of the open view (supervision) follow the events that concern them.
      window.dispatchEvent(new CustomEvent<TandemEvent>(TANDEM_EVENT, { detail: e }));
    },
    status: (s: StreamStatus) => {
      status.textContent = s;
      status.dataset.status = s;
      if (s === "unauthorized") {
        tokenStore.clear();
        signInForm("The token is no longer accepted.");
      }
    },
    resumed: () => state.stale(),
  });
  let view = "";
  const route = (): void => {
    const hash = location.hash || "#/";
    if (hash.startsWith("#/call/")) {
      if (view !== hash) void renderCallDetail(api, decodeURIComponent(hash.slice(7)), main);
    } else if (hash === "#/history") {
      if (view !== hash) renderHistory(api, main);
    } else {
      fill(main, renderWallboard(state));
    }
    view = hash;
    for (const link of document.querySelectorAll("nav a")) link.classList.toggle("active", link.getAttribute("href") === (hash.startsWith("#/call/") ? "" : hash));
  };
  window.addEventListener("hashchange", () => {
    view = "";
    route();
  });
  signOut.onclick = () => {
    stream.stop();
    tokenStore.clear();
    location.hash = "#/";
    location.reload();
  };
  // Durations tick every second; queues, trunks and health are polled every 5 s (they change without events).
  let beats = 0;
  window.setInterval(() => {
    if ((location.hash || "#/") === "#/") route();
    if (++beats % 5 === 0) state.tick();
  }, 1000);
  void state.load().then(() => stream.start());
  route();
}

const saved = tokenStore.get();
if (saved) void signIn(saved);
else signInForm();
