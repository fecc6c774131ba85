/**
 * `GET /api/v1/health`: the one route without auth, so load balancers and `npm start` checks can poll it.
 * Without a valid admin token it says only `status`: the version, listeners and counts help an attacker
 * more than a load balancer (`admin.healthDetails: true` shows them to everyone).
 */
import { createRequire } from "node:module";
import type { FastifyInstance } from "fastify";
import type { AdminDeps } from "../admin-deps.js";
import type { TokenChecker } from "../auth.js";
import { healthSchema } from "../schemas.js";

// src/admin/routes and dist/admin/routes are both three levels below the package root.
const corePackage = createRequire(import.meta.url)("../../../package.json") as { version: string };

export function healthRoutes(api: FastifyInstance, deps: AdminDeps, startedAt: number, checker: TokenChecker): void {
  api.get(
    "/health",
    {
      // No back-off: a load balancer sharing an address with a token guesser must still see the server live.
      config: { auth: "none", backoff: false },
      schema: {
        summary: "Liveness; with an admin token (or admin.healthDetails) also version, uptime, listeners and counts",
        tags: ["system"],
        security: [],
        response: { 200: healthSchema },
      },
    },
    async (request) => {
      if (!deps.config.healthDetails && checker.check(request.headers.authorization) === undefined) return { status: "ok" };
      const extra = deps.health();
      return {
        status: "ok",
        uptimeSeconds: Math.round((Date.now() - startedAt) / 100) / 10,
        version: corePackage.version,
        ...extra,
        counts: {
          dns: deps.registry.list().length,
          agents: deps.registry.agents().length,
          plugins: deps.plugins().length,
          lastSeq: deps.bus.lastSeq(),
          ...(isCounts(extra.counts) ? extra.counts : {}),
        },
      };
    },
  );
}

function isCounts(value: unknown): value is Record<string, number> {
  return typeof value === "object" && value !== null && Object.values(value).every((v) => typeof v === "number");
}
