/**
 * A running treatment (SDK `Treatment`): one dialog with a media server whose SDP answer is the caller's early
 * media. `stop()` sends BYE once and never throws; `ended` resolves when the media server ends the dialog
 * (BYE, session timer, transport failure), not when we stop it. An abort of the request's signal after the
 * answer also stops it, so a treatment nobody wants any more never keeps a dialog up.
 */
import type { LegEndReason, SipLeg, Treatment } from "@tandem/sdk";

/** BYE is sent at once; waiting for its answer is capped so that a dead media server never delays the agent. */
export const BYE_WAIT_MS = 1000;

export interface MediaTreatmentInit {
  readonly server: string;
  readonly media: string;
  readonly leg: SipLeg;
  /** The request's signal: aborted = the treatment is no longer wanted. */
  readonly signal: AbortSignal;
  /** Runs once when the dialog ends, whoever ended it. */
  onGone(reason: LegEndReason): void;
}

export class MediaTreatment implements Treatment {
  readonly server: string;
  readonly media: string;
  readonly sdp: string;
  readonly ended: Promise<void>;
  private stopping: Promise<void> | undefined;

  constructor(private readonly init: MediaTreatmentInit) {
    this.server = init.server;
    this.media = init.media;
    this.sdp = init.leg.remoteSdp ?? "";
    const onAbort = (): void => void this.stop();
    this.ended = new Promise<void>((resolve) => {
      init.leg.onEnded((reason) => {
        init.signal.removeEventListener("abort", onAbort);
        init.onGone(reason);
        if (reason.by !== "local") resolve();
      });
    });
    if (init.signal.aborted) void this.stop();
    else init.signal.addEventListener("abort", onAbort, { once: true });
  }

  get state(): SipLeg["state"] {
    return this.init.leg.state;
  }

  stop(): Promise<void> {
    this.stopping ??= this.bye();
    return this.stopping;
  }

  private async bye(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const capped = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, BYE_WAIT_MS);
      timer.unref?.();
    });
    try {
      await Promise.race([this.init.leg.bye().catch(() => undefined), capped]);
    } catch {
      // A leg that is already gone or a stack that stopped: nothing left to end.
    } finally {
      clearTimeout(timer);
    }
  }
}
