/**
 * Serves the web dashboard (`ui/` at the repo root: `public/` as written, `dist/` as built by `tsc -b`) at `/ui/`.
 * The shell is static and needs no token: every piece of admin data it shows comes from `/api/v1` with the
 * bearer token the user signs in with. A strict Content-Security-Policy keeps any injected markup from running
 * script, so the token held in sessionStorage stays with the page's own code. `media-src blob:` lets a recording
 * play from the Blob the page fetched with the token in its header (an `<audio src>` URL could not carry it).
 */
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

/** `core/src/dashboard` and `core/dist/dashboard` are both three levels below the repo root. */
export const DASHBOARD_ROOT = fileURLToPath(new URL("../../../ui/", import.meta.url));

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** Only what a browser loads: never the compiler's declaration files or build info. */
const SERVED = /(^|\/)$|\.(html|css|js|svg)$/;

export function serveDashboard(app: FastifyInstance): void {
  void app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root: [`${DASHBOARD_ROOT}public`, `${DASHBOARD_ROOT}dist`],
      prefix: "/ui/",
      decorateReply: false,
      allowedPath: (path) => SERVED.test(path) && !path.endsWith(".d.ts"),
      setHeaders: (res) => {
        res.setHeader("content-security-policy", CSP);
        res.setHeader("x-content-type-options", "nosniff");
        res.setHeader("referrer-policy", "no-referrer");
        res.setHeader("cache-control", "no-cache");
      },
    });
    scope.get("/ui", { schema: { hide: true } }, (_request, reply) => reply.redirect("/ui/"));
  });
}
