/**
 * Queue treatment as early media (RFC 3960 §3): when a call first enters a queue, `startTreatment` (a
 * media-server plugin) may answer the caller's offer from a media server; the caller gets a 183 with that SDP
 * and hears music or announcements instead of local ringback. The treatment runs while the call waits and while
 * agents ring (their own 183s are not relayed then), and ends when an agent answers or the call ends.
 * Moving the caller's media to the agent afterwards is `early-answer.ts`.
 */
import { startTreatment, type Treatment, type TreatmentEndCause, type TreatmentRequest } from "@tandem/sdk";
import type { Call } from "./call.js";
import { queueDn } from "./call-endings.js";
import type { CallModelContext } from "./call-model-context.js";
import { CallErrors } from "./errors.js";

/** A call's treatment: asked for (`starting`), heard by the caller (`playing`), or over (`ended`). */
export interface TreatmentState {
  phase: "starting" | "playing" | "ended";
  /** Aborts the handler's INVITE to the media server while it is `starting`. */
  readonly abort: AbortController;
  running: Treatment | undefined;
  /** The queue's DN the treatment events are on. */
  readonly dn: string;
}

/** Asks for a treatment once per call, when the call is first queued; the caller needs an SDP offer for early media. */
export function startQueueTreatment(ctx: CallModelContext, call: Call): void {
  const offer = call.invite.offer;
  if (call.treatment || offer === undefined || call.callerGone || call.queue === undefined) return;
  if (ctx.hooks.count(startTreatment) === 0) return;
  const state: TreatmentState = { phase: "starting", abort: new AbortController(), running: undefined, dn: queueDn(ctx, call) };
  call.treatment = state;
  const request: TreatmentRequest = {
    connId: call.connId,
    routingPoint: call.routingPoint,
    queue: call.queue,
    ...(call.ani === undefined ? {} : { ani: call.ani }),
    dnis: call.dnis,
    userData: { ...call.userData },
    offer,
    signal: state.abort.signal,
  };
  ctx.hooks.call(startTreatment, request).then(
    (treatment) => (treatment ? play(ctx, call, state, treatment) : void (state.phase = "ended")),
    (err: unknown) => {
      state.phase = "ended";
      const e = CallErrors.treatmentFailed(call.connId, err instanceof Error ? err.message : String(err));
      ctx.logger.warn({ code: e.code, connId: call.connId }, e.message);
      if (!call.ended) ctx.events.emit("EventTreatmentNotApplied", call, state.dn, { code: e.code, message: e.message });
    },
  );
}

/** The media server answered: the caller hears it, unless the call moved on meanwhile. */
function play(ctx: CallModelContext, call: Call, state: TreatmentState, treatment: Treatment): void {
  // Too late: an agent is answering, the call ended, or the caller already has another early answer (an
  // agent's 183) which our 200 must repeat (RFC 3261 §13.2.1), so a second one cannot be offered.
  if (state.phase !== "starting" || call.ended || call.callerGone || call.answering || call.earlySdp !== undefined) {
    state.phase = "ended";
    void stopQuietly(ctx, call, treatment);
    return;
  }
  state.phase = "playing";
  state.running = treatment;
  call.earlySdp = treatment.sdp;
  call.invite.progress({ status: 183, sdp: treatment.sdp });
  ctx.events.emit("EventTreatmentApplied", call, state.dn, { server: treatment.server, media: treatment.media ?? null });
  treatment.ended.then(
    () => finish(ctx, call, state, "media-server"),
    () => finish(ctx, call, state, "media-server"),
  );
}

/**
 * Ends the call's treatment (BYE to the media server) with `cause`; a treatment still starting is aborted. The
 * caller's early answer (`call.earlySdp`) stays: its 200 must repeat it whatever happened to the media server.
 */
export function endTreatment(ctx: CallModelContext, call: Call, cause: TreatmentEndCause): Promise<void> {
  const state = call.treatment;
  if (!state || state.phase === "ended") return Promise.resolve();
  if (state.phase === "starting") {
    state.phase = "ended";
    state.abort.abort();
    return Promise.resolve();
  }
  const treatment = state.running;
  finish(ctx, call, state, cause);
  return treatment ? stopQuietly(ctx, call, treatment) : Promise.resolve();
}

function finish(ctx: CallModelContext, call: Call, state: TreatmentState, cause: TreatmentEndCause): void {
  if (state.phase !== "playing") return;
  state.phase = "ended";
  const treatment = state.running;
  state.running = undefined;
  if (cause === "media-server") ctx.logger.warn({ connId: call.connId, server: treatment?.server }, "the media server ended the queue treatment");
  ctx.events.emit("EventTreatmentEnd", call, state.dn, { cause, server: treatment?.server ?? null });
}

async function stopQuietly(ctx: CallModelContext, call: Call, treatment: Treatment): Promise<void> {
  try {
    await treatment.stop();
  } catch (err) {
    ctx.logger.warn({ err, connId: call.connId, server: treatment.server }, "stopping the queue treatment failed");
  }
}
