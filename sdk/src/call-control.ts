/**
 * Third-party call control: what an agent desktop (or any plugin) may ask of the call model. With CUCM the
 * agent cannot use the phone for mid-call changes, so everything but answering goes through these verbs
 * (RFC 3725 flows and re-INVITEs towards the PBX; never REFER). Types only: the call model provides the
 * implementation through the {@link CALL_CONTROL} extension point, and consumers find it with
 * `ctx.extensions.get(CALL_CONTROL, DEFAULT_CALL_CONTROL)`.
 *
 * Every method resolves once the request is accepted and under way, and rejects with a coded
 * `TandemError` (e.g. an unknown ConnID, a DN that is not a party of the call, a SIP failure) when it is
 * refused. The events the request causes (`EventDialing`, `EventHeld`, `EventPartyChanged` …) are emitted
 * on the bus with the request's `referenceId`, on every DN involved.
 */
import { defineExtensionPoint } from "./extension-points.js";

/** Key/value data attached to a call (T-Library UserData); JSON-safe, travels in events and the CDR. */
export type CallUserData = Record<string, string | number | boolean | null>;

/** What every call-control request names: who asks, on which call, and the id to echo on events. */
export interface CallRequestBase {
  /** The agent DN the request is made for (the controlling party, T-Library `ThisDN`). */
  dn: string;
  /** Echoed on every event the request causes. */
  referenceId: string;
  /** The interface that asks (`desktop`, `admin`, a plugin id); recorded on the events as `source`. */
  source?: string;
}

/** A request about one existing call of the DN. */
export interface CallRequest extends CallRequestBase {
  /** The call's ConnID. */
  connId: string;
}

/** A request that takes the call (or a new one) to another destination. */
export interface CallDestinationRequest extends CallRequest {
  /** A DN number or an external number, dialled as the PBX expects it. */
  destination: string;
  /** Data to attach to the resulting call. */
  userData?: CallUserData;
}

/** RequestMakeCall: ring the agent's own phone first; when it answers, call the destination (RFC 3725 §4.1 spirit). */
export interface MakeCallRequest extends CallRequestBase {
  destination: string;
  userData?: CallUserData;
}

/** Requests that involve the current call and a held one (complete transfer, alternate, reconnect). */
export interface TwoCallRequest extends CallRequest {
  /** The ConnID of the call on hold. */
  heldConnId: string;
}

/** RequestAttachUserData / RequestUpdateUserData. */
export interface UserDataRequest extends CallRequest {
  userData: CallUserData;
}

/** RequestSendDTMF: digits towards the far end (SIP INFO where the PBX supports it, else a coded error). */
export interface DtmfRequest extends CallRequest {
  /** `0-9`, `*`, `#`, `A-D`. */
  digits: string;
}

/** What an accepted request returns. */
export interface CallControlResult {
  /** The call the request created or acted on (the new ConnID for makeCall and initiateTransfer). */
  readonly connId: string;
}

/** The call model's third-party call-control verbs (T-Library names in the comments). */
export interface CallControl {
  /** RequestMakeCall. Resolves with the new call's ConnID. */
  makeCall(request: MakeCallRequest): Promise<CallControlResult>;
  /** RequestReleaseCall: ends the DN's part in the call. */
  releaseCall(request: CallRequest): Promise<CallControlResult>;
  /** RequestHoldCall: re-INVITE the other party `sendonly`/`inactive` (glare-safe). */
  holdCall(request: CallRequest): Promise<CallControlResult>;
  /** RequestRetrieveCall: back to `sendrecv`. */
  retrieveCall(request: CallRequest): Promise<CallControlResult>;
  /** RequestSingleStepTransfer: the other party goes to `destination`; the DN leaves the call. */
  singleStepTransfer(request: CallDestinationRequest): Promise<CallControlResult>;
  /** RequestInitiateTransfer: holds the call and starts a consult call; resolves with the consult ConnID. */
  initiateTransfer(request: CallDestinationRequest): Promise<CallControlResult>;
  /** RequestCompleteTransfer: `connId` is the consult call, `heldConnId` the original; the DN's legs end once the target answered. */
  completeTransfer(request: TwoCallRequest): Promise<CallControlResult>;
  /** RequestAlternateCall: holds `connId`, retrieves `heldConnId`. */
  alternateCall(request: TwoCallRequest): Promise<CallControlResult>;
  /** RequestReconnectCall: releases `connId` (the consult), retrieves `heldConnId`. */
  reconnectCall(request: TwoCallRequest): Promise<CallControlResult>;
  /** RequestAttachUserData: adds keys (existing keys are an error for the implementation to report). */
  attachUserData(request: UserDataRequest): Promise<CallControlResult>;
  /** RequestUpdateUserData: adds or replaces keys. */
  updateUserData(request: UserDataRequest): Promise<CallControlResult>;
  /** RequestSendDTMF. */
  sendDtmf(request: DtmfRequest): Promise<CallControlResult>;
}

/** The extension point through which the call model offers {@link CallControl}. */
export const CALL_CONTROL = defineExtensionPoint<CallControl>("core.call-control");

/** The name under which the platform's own call model provides {@link CALL_CONTROL}. */
export const DEFAULT_CALL_CONTROL = "core";
