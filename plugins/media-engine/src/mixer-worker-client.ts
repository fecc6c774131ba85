/**
 * The main thread's handle on one mixer worker: requests with replies matched by id, events passed on, and the
 * worker's unexpected end reported once (every request still waiting then fails as `down`).
 */
import { Worker } from "node:worker_threads";
import type { WorkerEnvelope, WorkerEvent, WorkerFailure, WorkerMessage, WorkerRequest } from "./protocol.js";
import type { MixerSettings } from "./worker/room-control.js";

/** A worker's refusal, or `down` when the worker is gone. */
export class WorkerReplyError extends Error {
  constructor(
    readonly failure: WorkerFailure | "down",
    message: string,
  ) {
    super(message);
  }
}

function spawn(settings: MixerSettings): Worker {
  if (import.meta.url.endsWith(".ts")) {
    // Running from source under tsx (tests, benchmarks): a worker thread needs the TypeScript loader registered in
    // its own thread before it can import the .ts entry. An eval'd worker resolves bare names from the process's
    // working directory, which need not be the repo, so the loader is resolved here, from this module.
    const entry = new URL("./worker/mixer-worker.ts", import.meta.url).href;
    const loader = import.meta.resolve("tsx/esm/api");
    const boot = `import(${JSON.stringify(loader)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(boot, { eval: true, workerData: settings });
  }
  return new Worker(new URL("./worker/mixer-worker.js", import.meta.url), { workerData: settings });
}

export class MixerWorkerClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  private stopping = false;
  alive = true;
  /** Parties placed on this worker (the main thread's count, for placing rooms). */
  parties = 0;
  readonly online: Promise<void>;

  constructor(
    readonly index: number,
    settings: MixerSettings,
    onEvent: (event: WorkerEvent) => void,
    onLost: (client: MixerWorkerClient, reason: string) => void,
  ) {
    this.worker = spawn(settings);
    this.online = new Promise((resolve, reject) => {
      this.worker.once("online", () => resolve());
      this.worker.once("error", reject);
    });
    this.online.catch(() => undefined);
    let lastError = "";
    this.worker.on("message", (message: WorkerMessage) => {
      if (message.kind === "event") return onEvent(message.event);
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.ok) waiting.resolve(message.value);
      else waiting.reject(new WorkerReplyError(message.failure, message.message));
    });
    this.worker.on("error", (err) => {
      lastError = err.message;
    });
    this.worker.on("exit", (code) => {
      this.alive = false;
      for (const waiting of this.pending.values()) waiting.reject(new WorkerReplyError("down", `mixer worker ${index} stopped`));
      this.pending.clear();
      if (!this.stopping) onLost(this, lastError || `exit code ${code}`);
    });
  }

  request<T = unknown>(request: WorkerRequest): Promise<T> {
    if (!this.alive) return Promise.reject(new WorkerReplyError("down", `mixer worker ${this.index} stopped`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ id, request } satisfies WorkerEnvelope);
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.worker.terminate();
  }
}
