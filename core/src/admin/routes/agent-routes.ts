/** Agent state: read snapshots; ask the arbiter for a change as the `admin` interface. */
import type { FastifyInstance } from "fastify";
import { TandemError, type AgentRequestKind, type WorkMode } from "@tandem/sdk";
import type { AdminDeps } from "../admin-deps.js";
import { RegistryErrors } from "../../registry/errors.js";
import { agentDnParam, agentRequestBody, agentResultSchema, agentSchema, errors } from "../schemas.js";

interface DnParams {
  dn: string;
}

interface StateBody {
  request: AgentRequestKind;
  reasonCode?: string;
  workMode?: WorkMode;
  referenceId?: string;
  force?: boolean;
}

export function agentRoutes(api: FastifyInstance, deps: AdminDeps): void {
  const { registry } = deps;
  const tags = ["agents"];

  api.get(
    "/agents",
    { schema: { summary: "Every agent DN's state", tags, response: { 200: { type: "array", items: agentSchema }, ...errors() } } },
    async () => registry.agents(),
  );

  api.get<{ Params: DnParams }>(
    "/agents/:dn",
    { schema: { summary: "One agent's state", tags, params: agentDnParam, response: { 200: agentSchema, ...errors(400, 404, 409) } } },
    async (req) => {
      const snapshot = registry.agent(req.params.dn);
      if (snapshot) return snapshot;
      const dn = registry.get(req.params.dn);
      throw dn ? RegistryErrors.notAgent(dn.number, dn.type) : RegistryErrors.notFound(req.params.dn);
    },
  );

  api.post<{ Params: DnParams; Body: StateBody }>(
    "/agents/:dn/state",
    {
      schema: {
        summary: "Request Login/Logout/Ready/NotReady as the admin interface (409 when the priority rule refuses)",
        tags,
        params: agentDnParam,
        body: agentRequestBody,
        response: { 200: agentResultSchema, ...errors(400, 404, 409) },
      },
    },
    async (req) => {
      const result = registry.requestAgentState({ dn: req.params.dn, source: "admin", ...req.body });
      if (result.code) {
        throw new TandemError(result.code, result.message ?? result.code, { httpStatus: 409, details: [{ snapshot: result.snapshot }] });
      }
      return result;
    },
  );
}
