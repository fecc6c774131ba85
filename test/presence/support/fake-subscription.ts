/**
 * A scriptable stand-in for the stack's `SipSubscription`, for unit tests of the presence plugin: the test
 * decides when the SUBSCRIBE is accepted or rejected, what NOTIFYs arrive and how refreshes end.
 */
import type { Logger, NotifyInfo, SipRequestInfo, SipSubscription, SubscriptionEnd } from "@tandem/sdk";
import { SipError } from "@tandem/sdk";

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

let counter = 0;

export class FakeSubscription implements SipSubscription {
  readonly id = `sub-${++counter}`;
  readonly callId = `call-${counter}`;
  state: SipSubscription["state"] = "init";
  expiresAt: number | undefined;
  private readonly acceptance = deferred<{ expires: number }>();
  readonly accepted = this.acceptance.promise;
  readonly refreshes: Array<{ expires: number | undefined } & Deferred<{ expires: number }>> = [];
  unsubscribed = 0;
  private readonly notifyListeners = new Set<(n: NotifyInfo) => void>();
  private readonly endListeners = new Set<(e: SubscriptionEnd) => void>();

  constructor(readonly target: string) {}

  accept(expires: number): void {
    this.state = "active";
    this.acceptance.resolve({ expires });
  }

  fail(status: number, options: { origin?: "remote" | "timeout" | "transport"; retryAfter?: number } = {}): void {
    this.state = "terminated";
    this.acceptance.reject(new SipError(status, "", options));
  }

  refresh(expires?: number): Promise<{ expires: number }> {
    const d = deferred<{ expires: number }>();
    this.refreshes.push({ expires, ...d });
    return d.promise;
  }

  async unsubscribe(): Promise<void> {
    this.unsubscribed++;
    this.state = "terminated";
  }

  onNotify(listener: (notify: NotifyInfo) => void): () => void {
    this.notifyListeners.add(listener);
    return () => this.notifyListeners.delete(listener);
  }

  onTerminated(listener: (end: SubscriptionEnd) => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  notify(partial: Partial<NotifyInfo> & { body?: string }): void {
    const body = partial.body ?? "";
    const info: NotifyInfo = {
      request: fakeRequest(body),
      body,
      contentType: "application/pidf+xml",
      state: "active",
      ...partial,
    };
    if (info.state === "terminated") this.state = "terminated";
    for (const l of [...this.notifyListeners]) l(info);
  }

  end(end: SubscriptionEnd): void {
    this.state = "terminated";
    for (const l of [...this.endListeners]) l(end);
  }
}

function fakeRequest(body: string): SipRequestInfo {
  const addr = { uri: "sip:1001@127.0.0.1", host: "127.0.0.1", user: "1001" };
  return {
    method: "NOTIFY",
    ruri: "sip:tandem@127.0.0.1",
    callId: "x",
    cseq: 1,
    from: addr,
    to: addr,
    body,
    source: { transport: "udp", address: "127.0.0.1", port: 5070 },
    header: () => undefined,
    headers: () => [],
  };
}

/** A logger that records lines (level + message) and prints nothing. */
export function recordingLogger(lines: string[] = []): Logger & { lines: string[] } {
  const fn =
    (level: string) =>
    (a: unknown, b?: string): void => {
      lines.push(`${level} ${typeof a === "string" ? a : (b ?? "")} ${typeof a === "object" ? JSON.stringify(a, (_k, v: unknown) => (v instanceof Error ? v.message : v)) : ""}`);
    };
  const logger = {
    lines,
    trace: fn("trace"),
    debug: fn("debug"),
    info: fn("info"),
    warn: fn("warn"),
    error: fn("error"),
    fatal: fn("fatal"),
    child: () => logger,
  };
  return logger as Logger & { lines: string[] };
}

/** Lets pending promise callbacks run (fake timers do not touch microtasks). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
