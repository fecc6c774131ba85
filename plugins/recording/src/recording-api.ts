/**
 * The recordings under `/api/v1/plugins/recording` (admin token):
 *
 * - `GET /recordings`: the index, newest first, filtered by `connId`, `agentDn`, `ani`, `dnis`, `status`, `from`, `to`.
 * - `GET /recordings/:id`: one recording's metadata.
 * - `GET /recordings/:id/audio`: the WAV, with `Range` requests (206, RFC 9110 §14) so a browser can seek.
 * - `DELETE /recordings/:id`: the file, then the row.
 * - `POST /calls/:connId/recording/{start,stop,pause,resume}`: the same requests a desktop makes.
 */
import { createReadStream } from "node:fs";
import type { PluginHttp, PluginHttpReply, PluginHttpRequest, RecordingControl } from "@tandem/sdk";
import { parseRange } from "./byte-range.js";
import { RecordingErrors } from "./errors.js";
import type { RecordingFiles } from "./recording-files.js";
import type { RecordingFilter, RecordingIndex, RecordingRow } from "./recording-index.js";

const text = { type: "string" };
const nullable = (type: string): object => ({ type: [type, "null"] });
const status = { enum: ["recording", "complete", "failed"] };
const time = { type: "string", format: "date-time" };

export const recordingSchema = {
  type: "object",
  required: ["id", "connId", "status", "trigger", "file", "parties", "startedAt", "pauses"],
  properties: {
    id: text,
    connId: text,
    status,
    trigger: { type: "string", description: "dn, queue, user-data, desktop or admin" },
    file: text,
    ani: nullable("string"),
    dnis: nullable("string"),
    agentDn: nullable("string"),
    parties: {
      type: "array",
      items: { type: "object", required: ["dn", "role", "from"], properties: { dn: text, role: { enum: ["customer", "agent", "destination"] }, from: time, to: time } },
    },
    startedAt: time,
    endedAt: { type: ["string", "null"], format: "date-time" },
    pauses: { type: "array", description: "Paused stretches, written as silence", items: { type: "object", required: ["from"], properties: { from: time, to: time } } },
    sizeBytes: nullable("integer"),
    sha256: nullable("string"),
    durationMs: nullable("integer"),
    pausedMs: nullable("integer"),
    errorCode: nullable("string"),
    errorMessage: nullable("string"),
  },
};

const idParams = { type: "object", required: ["id"], properties: { id: { type: "string", pattern: "^[0-9A-Za-z_-]{1,64}$" } } };
const connParams = { type: "object", required: ["connId"], properties: { connId: { type: "string", minLength: 1, maxLength: 64 } } };
const listQuery = {
  type: "object",
  additionalProperties: false,
  properties: {
    connId: text,
    agentDn: text,
    ani: text,
    dnis: text,
    status,
    from: time,
    to: time,
    limit: { type: "integer", minimum: 1, maximum: 1000, default: 100 },
    offset: { type: "integer", minimum: 0, default: 0 },
  },
};
const controlBody = { type: ["object", "null"], additionalProperties: false, properties: { dn: text, referenceId: { type: "string", maxLength: 128 } } };
const controlAnswer = { type: "object", required: ["recordingId", "connId", "state"], properties: { recordingId: text, connId: text, state: { enum: ["recording", "paused", "stopped"] } } };

export interface RecordingApiDeps {
  readonly index: RecordingIndex;
  readonly files: RecordingFiles;
  readonly control: RecordingControl;
}

function found(index: RecordingIndex, id: string): RecordingRow {
  const row = index.get(id);
  if (!row) throw RecordingErrors.notFound(id);
  return row;
}

async function download(deps: RecordingApiDeps, request: PluginHttpRequest): Promise<PluginHttpReply> {
  const row = found(deps.index, request.params["id"] ?? "");
  if (row.status === "recording") throw RecordingErrors.stillRecording(row.id);
  const path = deps.files.pathOf(row.file);
  const size = row.status === "complete" ? await deps.files.size(row.file) : undefined;
  if (size === undefined) throw RecordingErrors.fileMissing(row.id, row.status === "failed" ? `it failed: ${row.errorCode ?? ""}` : "the file is gone");
  const rangeHeader = request.headers["range"];
  const range = parseRange(typeof rangeHeader === "string" ? rangeHeader : undefined, size);
  const headers: Record<string, string> = {
    "content-type": "audio/wav",
    "accept-ranges": "bytes",
    "content-disposition": `attachment; filename="${row.file}"`,
    etag: `"${row.sha256 ?? row.id}"`,
  };
  if (!range) return { status: 200, headers: { ...headers, "content-length": String(size) }, body: createReadStream(path) };
  return {
    status: 206,
    headers: { ...headers, "content-length": String(range.end - range.start + 1), "content-range": `bytes ${range.start}-${range.end}/${size}` },
    body: createReadStream(path, { start: range.start, end: range.end }),
  };
}

export function registerRecordingApi(http: PluginHttp, deps: RecordingApiDeps): void {
  http.route({
    method: "GET",
    path: "/recordings",
    schema: {
      summary: "Recordings, newest first, with filters",
      querystring: listQuery,
      response: { 200: { type: "object", required: ["total", "recordings"], properties: { total: { type: "integer" }, recordings: { type: "array", items: recordingSchema } } } },
    },
    handler: (request) => deps.index.list(request.query as RecordingFilter),
  });
  http.route({
    method: "GET",
    path: "/recordings/:id",
    schema: { summary: "One recording's metadata", params: idParams, response: { 200: recordingSchema } },
    handler: (request) => found(deps.index, request.params["id"] ?? ""),
  });
  http.route({
    method: "GET",
    path: "/recordings/:id/audio",
    schema: {
      summary: "The recording's WAV file (two channels: customer left, agents right); honours Range for seeking",
      params: idParams,
      response: { 200: { type: "string", format: "binary" }, 206: { type: "string", format: "binary" } },
    },
    handler: (request) => download(deps, request),
  });
  http.route({
    method: "DELETE",
    path: "/recordings/:id",
    schema: { summary: "Deletes a finished recording: its file, then its row", params: idParams },
    handler: async (request) => {
      const row = found(deps.index, request.params["id"] ?? "");
      if (row.status === "recording") throw RecordingErrors.stillRecording(row.id);
      await deps.files.remove(row.file);
      deps.index.delete(row.id);
      return { status: 204 };
    },
  });
  for (const verb of ["start", "stop", "pause", "resume"] as const) {
    http.route({
      method: "POST",
      path: `/calls/:connId/recording/${verb}`,
      schema: { summary: `Recording ${verb} on a call (as the desktop request does)`, params: connParams, body: controlBody, response: { 200: controlAnswer } },
      handler: async (request) => {
        const body = (request.body ?? {}) as { dn?: string; referenceId?: string };
        const connId = request.params["connId"] ?? "";
        return deps.control[verb]({ connId, source: "admin", ...(body.dn ? { dn: body.dn } : {}), ...(body.referenceId ? { referenceId: body.referenceId } : {}) });
      },
    });
  }
}
