/**
 * Requests we originated that have not settled yet (INVITEs before their final response, SUBSCRIBEs
 * before the 2xx, plain requests). `SipStack.stop()` aborts them all, so every promise a caller holds
 * settles and no timer of ours outlives the stack.
 */
export class Inflight {
  private readonly aborts = new Set<() => void>();

  /** Registers an abort; the returned function unregisters it (call it once the request settled). */
  track(abort: () => void): () => void {
    this.aborts.add(abort);
    return () => this.aborts.delete(abort);
  }

  get size(): number {
    return this.aborts.size;
  }

  abortAll(): void {
    const all = [...this.aborts];
    this.aborts.clear();
    for (const abort of all) {
      try {
        abort();
      } catch {
        /* one request's failure to abort must not keep the others alive */
      }
    }
  }
}
