/**
 * RTP/RTCP port pairs (RFC 3550 §11: RTP on an even port, RTCP on the next). Pairs are handed out least recently
 * used first, so a late packet meant for a party that left does not reach the next party given the same port.
 */
export class PortPool {
  private readonly free: number[] = [];
  private readonly used = new Set<number>();

  constructor(
    readonly min: number,
    readonly max: number,
  ) {
    for (let port = min + (min % 2); port + 1 <= max; port += 2) this.free.push(port);
  }

  /** Pairs in the range. */
  get capacity(): number {
    return this.free.length + this.used.size;
  }

  get inUse(): number {
    return this.used.size;
  }

  /** An even RTP port whose pair is free here, or undefined when every pair is in use. */
  take(): number | undefined {
    const port = this.free.shift();
    if (port !== undefined) this.used.add(port);
    return port;
  }

  release(port: number): void {
    if (this.used.delete(port)) this.free.push(port);
  }

  describe(): string {
    return `${this.min}-${this.max}`;
  }
}
