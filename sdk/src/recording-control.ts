/**
 * Call recording requests (T-Library RequestPrivateService: 3013 start, 3014 stop, 3015 suspend, 3016 resume, as
 * Genesys numbers them). The `recording` plugin provides {@link RecordingControl} on {@link RECORDING_CONTROL}; the
 * desktop plugin and tools call it.
 */
import { defineExtensionPoint } from "./extension-points.js";

/** Private-service ids of the recording requests (and of the events that answer them). */
export const RECORDING_PRIVATE_SERVICES = { start: 3013, stop: 3014, pause: 3015, resume: 3016 } as const;

/** A recording request on call `connId`. */
export interface RecordingRequest {
  readonly connId: string;
  /** The requesting DN (an agent on the call); events go to it. */
  readonly dn?: string;
  /** Echoed on the events the request causes. */
  readonly referenceId?: string;
  /** The interface that asks (`desktop`, `admin`). */
  readonly source: string;
}

/** Where a call's recording stands after a request. */
export interface RecordingStatusAnswer {
  readonly recordingId: string;
  readonly connId: string;
  readonly state: "recording" | "paused" | "stopped";
}

/** The recording requests; each resolves once done, or rejects with a coded `TandemError`. */
export interface RecordingControl {
  /** Starts recording the call (both sides, two channels); refused when it is already recorded. */
  start(request: RecordingRequest): Promise<RecordingStatusAnswer>;
  /** Stops and closes the file; the call goes on. */
  stop(request: RecordingRequest): Promise<RecordingStatusAnswer>;
  /** Pauses: silence is written until resumed, and the stretch is kept in the recording's metadata. */
  pause(request: RecordingRequest): Promise<RecordingStatusAnswer>;
  resume(request: RecordingRequest): Promise<RecordingStatusAnswer>;
}

/** Where the desktop (or a tool) finds {@link RecordingControl}; provided by the `recording` plugin. */
export const RECORDING_CONTROL = defineExtensionPoint<RecordingControl>("recording.control");

/** The name under which the `recording` plugin provides {@link RECORDING_CONTROL}. */
export const DEFAULT_RECORDING_CONTROL = "recording";
