/**
 * Recording requests: T-Library RequestPrivateService with the private-service ids Genesys gives call recording
 * (3013 start, 3014 stop, 3015 suspend, 3016 resume), carried out by whichever plugin provides
 * `recording.control` (the `recording` plugin). Without a provider they are answered with
 * TANDEM_ERR_DESKTOP_NOT_IMPLEMENTED; an id outside the four is refused as invalid.
 */
import { RECORDING_PRIVATE_SERVICES, type RecordingControl, type RecordingStatusAnswer } from "@tandem/sdk";
import { DesktopErrors } from "./errors.js";
import type { DnRequest } from "./protocol.js";

/** The T-Library request that carries private services. */
export const PRIVATE_SERVICE_REQUEST = "RequestPrivateService";

/** RequestPrivateService: which service (3013–3016: recording start, stop, suspend, resume). */
export type PrivateServiceRequest = DnRequest & { privateServiceId?: number };

const VERBS = new Map<number, keyof RecordingControl>(Object.entries(RECORDING_PRIVATE_SERVICES).map(([verb, id]) => [id, verb as keyof RecordingControl]));

/** The private-service ids the desktop routes to the recording plugin. */
export const RECORDING_SERVICE_IDS: readonly number[] = [...VERBS.keys()];

/** Calls the recording verb that `request.privateServiceId` names. */
export function dispatchRecording(control: RecordingControl, request: PrivateServiceRequest): Promise<RecordingStatusAnswer> {
  const verb = request.privateServiceId === undefined ? undefined : VERBS.get(request.privateServiceId);
  if (!verb) throw DesktopErrors.requestInvalid(request.request, `privateServiceId must be one of ${RECORDING_SERVICE_IDS.join(", ")}`);
  if (typeof request.connId !== "string") throw DesktopErrors.requestInvalid(request.request, "must have required property 'connId'");
  return control[verb]({ connId: request.connId, dn: request.dn, referenceId: request.referenceId, source: "desktop" });
}
