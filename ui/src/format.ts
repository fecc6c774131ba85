/** How times and durations read on the dashboard. */

/** `1:05`, `12:00:03` for a duration in ms. */
export function duration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

/** Time since an ISO instant. */
export function since(iso: string | undefined | null, now = Date.now()): string {
  if (!iso) return "";
  return duration(now - Date.parse(iso));
}

/** Local wall-clock time with milliseconds. */
export function clock(iso: string | number): string {
  const d = new Date(iso);
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

export function dateTime(iso: string | undefined): string {
  return iso ? new Date(iso).toLocaleString([], { hour12: false }) : "";
}
