/**
 * The conference requests ({@link ConferenceControl}): the consultation of a transfer is reused as it is
 * (RequestInitiateConference is RequestInitiateTransfer), and completing it hands the three legs to the
 * conference rooms through the call model's `CALL_PARTIES`. Single-step is a consultation completed as soon as
 * the target answers.
 */
import {
  CALL_CONTROL,
  CALL_PARTIES,
  DEFAULT_CALL_CONTROL,
  DEFAULT_CALL_PARTIES,
  type CallControl,
  type CallControlResult,
  type CallDestinationRequest,
  type CallParties,
  type ConferenceControl,
  type DeleteFromConferenceRequest,
  type EventBus,
  type Extensions,
  type TandemEvent,
  type TwoCallRequest,
} from "@tandem/sdk";
import { CONFERENCE_MAX_PARTIES, type ConferenceRooms } from "./conference-rooms.js";
import { ConferencingErrors } from "./errors.js";
import type { ConferencingConfig } from "./manifest.js";

export interface ConferenceControlDeps {
  readonly extensions: Extensions;
  readonly bus: EventBus;
  readonly rooms: ConferenceRooms;
  readonly config: ConferencingConfig;
}

/** The call model's verbs, found at request time (the model may register after this plugin). */
export function callControlOf(extensions: Extensions, request: string): CallControl {
  const cc = extensions.get(CALL_CONTROL, DEFAULT_CALL_CONTROL);
  if (!cc) throw ConferencingErrors.unavailable(request, CALL_CONTROL.id, DEFAULT_CALL_CONTROL);
  return cc;
}

export function callPartiesOf(extensions: Extensions, request: string): CallParties {
  const parties = extensions.get(CALL_PARTIES, DEFAULT_CALL_PARTIES);
  if (!parties) throw ConferencingErrors.unavailable(request, CALL_PARTIES.id, DEFAULT_CALL_PARTIES);
  return parties;
}

export function createConferenceControl(deps: ConferenceControlDeps): ConferenceControl {
  const complete = (request: TwoCallRequest, name: string): Promise<CallControlResult> =>
    callPartiesOf(deps.extensions, name).joinConsult(request, deps.rooms);
  return {
    initiateConference: async (request) => {
      refuseWhenFull(deps.rooms, "RequestInitiateConference", request.connId);
      return callControlOf(deps.extensions, "RequestInitiateConference").initiateTransfer(request);
    },
    completeConference: (request) => complete(request, "RequestCompleteConference"),
    mergeCalls: (request) => complete(request, "RequestMergeCalls"),
    singleStepConference: async (request) => {
      refuseWhenFull(deps.rooms, "RequestSingleStepConference", request.connId);
      return singleStep(deps, request);
    },
    deleteFromConference: (request: DeleteFromConferenceRequest) => callPartiesOf(deps.extensions, "RequestDeleteFromConference").dropParty(request),
  };
}

/**
 * A party more for a conference at {@link CONFERENCE_MAX_PARTIES} is refused before anything moves: no
 * consultation is started, no one is rung, and the parties in the room hear no change.
 */
function refuseWhenFull(rooms: ConferenceRooms, request: string, connId: string): void {
  const parties = rooms.get(connId)?.members.size ?? 0;
  if (parties >= CONFERENCE_MAX_PARTIES) throw ConferencingErrors.full(request, connId, parties);
}

/** The consultation's first answer (established) or end, whichever comes first; `timeout` after `ms`. */
function consultOutcome(bus: EventBus, ms: number): { settle(connId: string): Promise<TandemEvent | "timeout">; stop(): void } {
  const seen: TandemEvent[] = [];
  let wanted: { connId: string; resolve: (e: TandemEvent | "timeout") => void } | undefined;
  const offer = (event: TandemEvent): void => {
    if (wanted && event.connId === wanted.connId) wanted.resolve(event);
    else if (!wanted) seen.push(event);
  };
  const stops = [bus.on("EventEstablished", offer), bus.on("EventReleased", offer)];
  let timer: NodeJS.Timeout | undefined;
  return {
    settle: (connId) =>
      new Promise((resolve) => {
        const early = seen.find((e) => e.connId === connId);
        if (early) return resolve(early);
        wanted = { connId, resolve };
        timer = setTimeout(() => resolve("timeout"), ms);
      }),
    stop: () => {
      clearTimeout(timer);
      for (const stop of stops) stop();
    },
  };
}

async function singleStep(deps: ConferenceControlDeps, request: CallDestinationRequest): Promise<CallControlResult> {
  const name = "RequestSingleStepConference";
  const cc = callControlOf(deps.extensions, name);
  const parties = callPartiesOf(deps.extensions, name);
  // Listening before the consultation starts, so an answer that comes at once is not missed.
  const outcome = consultOutcome(deps.bus, deps.config.singleStepAnswerMs);
  try {
    const consult = await cc.initiateTransfer(request);
    const first = await outcome.settle(consult.connId);
    const twoCalls: TwoCallRequest = { dn: request.dn, referenceId: request.referenceId, connId: consult.connId, heldConnId: request.connId, ...(request.source ? { source: request.source } : {}) };
    if (first === "timeout") {
      await cc.reconnectCall(twoCalls).catch(() => undefined);
      throw ConferencingErrors.notAnswered(request.connId, request.destination, "no answer in time");
    }
    if (first.name !== "EventEstablished") throw ConferencingErrors.notAnswered(request.connId, request.destination, String(first.data["cause"] ?? "released"));
    return await parties.joinConsult(twoCalls, deps.rooms);
  } finally {
    outcome.stop();
  }
}
