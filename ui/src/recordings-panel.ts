/**
 * A call's recordings (recording plugin): metadata (status, length, paused stretches, size, SHA-256), playback in
 * an `<audio>` element and a download. The audio route needs the admin token, and an `<audio src>` cannot send an
 * Authorization header, so the WAV is fetched with `fetch` and the header, and played (and saved) from a Blob
 * object URL: the token never appears in a URL. MediaSource would allow streaming, but Chromium's MediaSource
 * takes no WAV, so the file is fetched whole, on the click and not before.
 */
import { ApiError, type Api } from "./api.js";
import type { Recording, TandemEvent } from "./api-types.js";
import { h } from "./dom.js";
import { TANDEM_EVENT } from "./event-stream.js";
import { clock, dateTime, duration } from "./format.js";

export const RECORDINGS = "/plugins/recording/recordings";

function bytes(n: number | null): string {
  if (n === null) return "";
  return n >= 1_048_576 ? `${(n / 1_048_576).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}

function pauses(r: Recording): string {
  if (r.pauses.length === 0) return "none";
  const stretches = r.pauses.map((p) => `${clock(p.from)}–${p.to ? clock(p.to) : "…"}`).join(", ");
  return `${r.pauses.length} (${duration(r.pausedMs ?? 0)}): ${stretches}`;
}

function facts(r: Recording): HTMLElement {
  const rows: Array<[string, string]> = [
    ["Started", dateTime(r.startedAt)],
    ["Duration", r.durationMs !== null ? duration(r.durationMs) : "—"],
    ["Pauses", pauses(r)],
    ["Trigger", r.trigger],
    ["Parties", r.parties.map((p) => `${p.role} ${p.dn}`).join(" · ")],
    ["Size", bytes(r.sizeBytes)],
    ["SHA-256", r.sha256 ?? ""],
  ];
  if (r.errorCode) rows.push(["Error", `${r.errorCode}: ${r.errorMessage ?? ""}`]);
  return h("dl", { class: "facts recording-facts" }, ...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", { "data-fact": k.toLowerCase() }, v)]));
}

/** Play and Download share one fetched Blob; its object URL lives as long as the page shows this recording. */
function player(api: Api, r: Recording): HTMLElement {
  const audio = h("audio", { controls: true, preload: "auto", class: "recording-audio", hidden: true });
  const status = h("span", { class: "muted", role: "status" });
  const download = h("a", { class: "button", download: r.file, hidden: true }, "Save file");
  let loading: Promise<string> | undefined;
  const load = (): Promise<string> => {
    loading ??= api.blob(`${RECORDINGS}/${encodeURIComponent(r.id)}/audio`).then((blob) => {
      const url = URL.createObjectURL(blob);
      audio.dataset.bytes = String(blob.size);
      audio.src = url;
      download.setAttribute("href", url);
      return url;
    });
    return loading;
  };
  const fetchAnd = (then: () => void) => async (): Promise<void> => {
    status.textContent = "Fetching…";
    try {
      await load();
      status.textContent = "";
      then();
    } catch (error) {
      loading = undefined;
      status.textContent = "";
      status.className = "error";
      status.textContent = error instanceof ApiError ? `${error.code}: ${error.message}` : (error as Error).message;
    }
  };
  const play = h("button", { type: "button", class: "play" }, "▶ Play");
  play.addEventListener("click", fetchAnd(() => {
    audio.hidden = false;
    play.hidden = true;
    void audio.play().catch(() => undefined);
  }));
  const fetchDownload = h("button", { type: "button", class: "secondary download" }, "Download");
  fetchDownload.addEventListener("click", fetchAnd(() => {
    download.hidden = false;
    download.click();
  }));
  return h("div", { class: "player" }, play, audio, fetchDownload, download, status);
}

function recordingItem(api: Api, r: Recording): HTMLElement {
  return h(
    "li",
    { class: "recording", "data-recording": r.id, "data-status": r.status },
    h("div", { class: "recording-head" }, h("span", { class: `badge recording-${r.status}` }, r.status), h("span", { class: "muted" }, r.file)),
    facts(r),
    r.status === "complete" ? player(api, r) : h("p", { class: "muted" }, r.status === "recording" ? "Still recording: playable once it stops." : "Nothing to play: the recording failed."),
  );
}

export function recordingsList(api: Api, recordings: Recording[]): HTMLElement {
  if (recordings.length === 0) return h("p", { class: "empty" }, "This call has no recordings.");
  return h("ul", { class: "recordings" }, ...recordings.map((r) => recordingItem(api, r)));
}

/**
 * The Recordings panel of one call, filled once the list arrives and read again when the call's recording events
 * arrive on the event stream, then every 2 s while one is still being written (its file is closed just after
 * EventRecordingStopped), for as long as the panel is on the page.
 */
export function recordingsPanel(api: Api, connId: string): HTMLElement {
  const body = h("div", {}, h("p", { class: "muted" }, "Loading…"));
  const panel = h("section", { class: "panel", id: "recordings" }, h("h3", {}, "Recordings"), body);
  let again: number | undefined;
  const load = (): void => {
    window.clearTimeout(again);
    if (!panel.isConnected && body.dataset.loaded) return;
    api.get<{ recordings: Recording[] }>(RECORDINGS, { connId }).then(
      ({ recordings }) => {
        body.dataset.loaded = "1";
        body.replaceChildren(recordingsList(api, recordings));
        if (recordings.some((r) => r.status === "recording")) again = window.setTimeout(load, 2000);
      },
      (error: Error) => body.replaceChildren(h("p", { class: "error" }, error.message)),
    );
  };
  const follow = (event: Event): void => {
    if (!panel.isConnected) return void window.removeEventListener(TANDEM_EVENT, follow);
    const e = (event as CustomEvent<TandemEvent>).detail;
    if (e.connId === connId && /^EventRecording(Started|Stopped|Failed)$/.test(e.name)) load();
  };
  window.addEventListener(TANDEM_EVENT, follow);
  load();
  return panel;
}
