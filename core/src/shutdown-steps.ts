/**
 * The steps of a graceful stop, run in order against one deadline. A step that fails is logged and the stop
 * goes on; a step still running when its share of the time is up is cut short (the stop goes on without it)
 * and the log says what it left unfinished, so the process exits in time instead of being killed mid-way.
 */
import type { Logger } from "@tandem/sdk";

/** Kept back for the last steps (closing the event log and the database) when a step's share is computed. */
const RESERVE_MS = 1000;

export interface StepOptions {
  /** Fraction of the time left that this step may use (default: all of it but the reserve). */
  share?: number;
  /** What the step has not finished yet, logged when it is cut short. */
  pending?: () => unknown;
}

export class ShutdownSteps {
  private readonly deadline: number;

  constructor(
    deadlineMs: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.deadline = now() + deadlineMs;
  }

  /** Runs `fn` for at most its share of the time left; resolves when it settled or was cut short. */
  async run(what: string, fn: () => Promise<void> | void, options: StepOptions = {}): Promise<void> {
    const left = Math.max(0, this.deadline - this.now() - RESERVE_MS);
    const budget = Math.floor(left * (options.share ?? 1));
    const started = this.now();
    let timer: NodeJS.Timeout | undefined;
    const cutShort = new Promise<"cut">((resolve) => {
      timer = setTimeout(() => resolve("cut"), budget);
    });
    try {
      const outcome = await Promise.race([Promise.resolve().then(fn), cutShort]);
      if (outcome === "cut") {
        this.logger.warn(
          { step: what, afterMs: this.now() - started, pending: options.pending?.() },
          `shutdown: ${what} cut short after ${budget} ms (shutdown.deadlineMs); going on without it`,
        );
      }
    } catch (err) {
      this.logger.error({ err }, `${what} failed at shutdown; continuing`);
    } finally {
      clearTimeout(timer);
    }
  }
}
