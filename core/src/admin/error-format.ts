/**
 * One error format for every reply of the admin API: `{ error: { code, message, details } }`. Validation errors
 * name the field (`body.number`), coded `TandemError`s keep their code and `httpStatus`, anything else is a 500
 * whose detail stays in the server log.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "@tandem/sdk";
import { AdminErrors } from "./errors.js";

export interface ApiErrorBody {
  error: { code: string; message: string; details: unknown[] };
}

interface ValidationIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Builds an error body. */
export function errorBody(code: string, message: string, details: unknown[] = []): ApiErrorBody {
  return { error: { code, message, details } };
}

/** Installs the error and not-found handlers on the root instance (children inherit them). */
export function installErrorFormat(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((err: FastifyError, request, reply) => replyError(err, request, reply, logger));
  app.setNotFoundHandler((request, reply) => {
    const err = AdminErrors.notFound(request.method, request.url.split("?")[0] ?? request.url);
    void reply.code(404).send(errorBody(err.code, err.message));
  });
}

function replyError(err: FastifyError, request: FastifyRequest, reply: FastifyReply, logger: Logger): FastifyReply {
  if (Array.isArray(err.validation)) {
    const details = validationDetails(err.validation as ValidationIssue[], err.validationContext ?? "request");
    const summary = details.map((d) => `${d.field} ${d.message}`).join("; ");
    const coded = AdminErrors.validation(summary);
    return reply.code(400).send(errorBody(coded.code, coded.message, details));
  }
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && code.startsWith("TANDEM_ERR_")) {
    const status = (err as { httpStatus?: unknown }).httpStatus;
    const httpStatus = typeof status === "number" && status >= 400 && status < 600 ? status : 500;
    if (httpStatus >= 500) logger.error({ err, url: request.url }, "API request failed");
    const details = (err as { details?: unknown }).details;
    return reply.code(httpStatus).send(errorBody(code, err.message, detailList(details)));
  }
  if (typeof err.statusCode === "number" && err.statusCode >= 400 && err.statusCode < 500) {
    // Fastify's own client errors: malformed JSON, wrong content type, body too large …
    const coded = AdminErrors.badRequest(err.message);
    return reply.code(err.statusCode).send(errorBody(coded.code, coded.message, [{ cause: err.code ?? "unknown" }]));
  }
  logger.error({ err, method: request.method, url: request.url }, "API request failed");
  const coded = AdminErrors.internal(request.method, request.url.split("?")[0] ?? "");
  return reply.code(500).send(errorBody(coded.code, coded.message));
}

function detailList(details: unknown): unknown[] {
  if (details === undefined) return [];
  return Array.isArray(details) ? details : [details];
}

/** `{ field: "body.number", message, keyword }` for each ajv error. */
export function validationDetails(
  issues: readonly ValidationIssue[],
  context: string,
): Array<{ field: string; message: string; keyword: string }> {
  const root = context === "querystring" ? "query" : context;
  return issues.map((issue) => {
    const path = (issue.instancePath ?? "")
      .split("/")
      .filter((p) => p.length > 0)
      .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
    const extra = issue.params?.missingProperty ?? issue.params?.additionalProperty;
    if (typeof extra === "string") path.push(extra);
    const field = [root, ...path].join(".");
    const message =
      issue.keyword === "additionalProperties" ? "is not allowed" : issue.keyword === "required" ? "is required" : (issue.message ?? "is invalid");
    return { field, message, keyword: issue.keyword ?? "unknown" };
  });
}
