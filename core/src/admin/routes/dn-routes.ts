/** DN administration: list, get, create, replace, delete (config DNs are read-only here). */
import type { FastifyInstance } from "fastify";
import { DN_TYPES, type DnOptions, type DnType } from "@tandem/sdk";
import type { AdminDeps } from "../admin-deps.js";
import { RegistryErrors } from "../../registry/errors.js";
import { documentDnOptions } from "../dn-options-doc.js";
import { dnCreateBody, dnNumberParam, dnReplaceBody, dnSchema, errors } from "../schemas.js";

interface NumberParams {
  number: string;
}

export function dnRoutes(api: FastifyInstance, deps: AdminDeps): void {
  const { registry } = deps;
  const tags = ["dns"];
  const config = { swaggerTransform: documentDnOptions(registry.validator.options) };

  api.get<{ Querystring: { type?: DnType[] } }>(
    "/dns",
    {
      schema: {
        summary: "List DNs, optionally of some types (?type=Extension&type=Queue)",
        tags,
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { type: { type: "array", items: { type: "string", enum: DN_TYPES } } },
        },
        response: { 200: { type: "array", items: dnSchema }, ...errors(400) },
      },
    },
    async (req) => registry.list(req.query.type && req.query.type.length > 0 ? { type: req.query.type } : {}),
  );

  api.get<{ Params: NumberParams }>(
    "/dns/:number",
    { schema: { summary: "One DN", tags, params: dnNumberParam, response: { 200: dnSchema, ...errors(400, 404) } } },
    async (req) => registry.get(req.params.number) ?? Promise.reject(RegistryErrors.notFound(req.params.number)),
  );

  api.post<{ Body: { number: string; type: DnType; options?: DnOptions } }>(
    "/dns",
    { schema: { summary: "Create a DN", tags, body: dnCreateBody, response: { 201: dnSchema, ...errors(400, 409) } }, config },
    async (req, reply) => {
      const input = { number: req.body.number, type: req.body.type, options: req.body.options ?? {} };
      registry.validator.assertValid(input, "body.");
      if (registry.get(input.number)) throw RegistryErrors.exists(input.number);
      return reply.code(201).send(registry.upsert(input));
    },
  );

  api.put<{ Params: NumberParams; Body: { type: DnType; options?: DnOptions } }>(
    "/dns/:number",
    {
      schema: {
        summary: "Create or replace a DN",
        tags,
        params: dnNumberParam,
        body: dnReplaceBody,
        response: { 200: dnSchema, ...errors(400, 409) },
      },
      config,
    },
    async (req) => {
      const input = { number: req.params.number, type: req.body.type, options: req.body.options ?? {} };
      registry.validator.assertValid(input, "body.");
      return registry.upsert(input);
    },
  );

  api.delete<{ Params: NumberParams }>(
    "/dns/:number",
    {
      schema: {
        summary: "Delete a DN (and its agent state)",
        tags,
        params: dnNumberParam,
        response: { 204: { type: "null", description: "deleted" }, ...errors(400, 404, 409) },
      },
    },
    async (req, reply) => {
      if (!registry.remove(req.params.number)) throw RegistryErrors.notFound(req.params.number);
      return reply.code(204).send();
    },
  );
}
