/**
 * The router's abort listeners: one per call it was asked about, holding only the ConnID (never the route
 * request), removed as soon as the call is answered. An established call never comes back to the router, so
 * a listener kept for the call's life would only be memory per active call.
 */
export class AbortWatches {
  private readonly watches = new Map<string, { signal: AbortSignal; onAbort: () => void }>();

  constructor(private readonly onAbort: (connId: string) => void) {}

  /** Calls `onAbort(connId)` once when `signal` aborts (every ask of a call carries the same signal). */
  watch(connId: string, signal: AbortSignal): void {
    const existing = this.watches.get(connId);
    if (existing?.signal === signal) return;
    if (existing) this.unwatch(connId);
    const onAbort = (): void => {
      this.watches.delete(connId);
      this.onAbort(connId);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    this.watches.set(connId, { signal, onAbort });
  }

  unwatch(connId: string): void {
    const watch = this.watches.get(connId);
    if (!watch) return;
    this.watches.delete(connId);
    watch.signal.removeEventListener("abort", watch.onAbort);
  }

  clear(): void {
    for (const connId of [...this.watches.keys()]) this.unwatch(connId);
  }

  get size(): number {
    return this.watches.size;
  }
}
