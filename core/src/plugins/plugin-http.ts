/**
 * The `PluginHttp` facade: hands a plugin's routes to the admin server under `/api/v1/plugins/<id>`.
 * Routes are accepted only while `register` runs, so the route table is complete before the server listens.
 */
import type { PluginHttp, PluginRoute, PluginWebSocketRoute } from "@tandem/sdk";
import { PluginErrors } from "./errors.js";

/** The part of the admin server the facade needs. */
export interface PluginRouteSink {
  addPluginRoute(pluginId: string, route: PluginRoute): void;
  addPluginWebSocket(pluginId: string, route: PluginWebSocketRoute): void;
}

export class PluginHttpFacade implements PluginHttp {
  readonly prefix: string;
  private sealed = false;

  constructor(
    private readonly pluginId: string,
    private readonly sink: PluginRouteSink,
    /** `manifest.apiPaths`: where this plugin may mount `root` routes. */
    private readonly apiPaths: readonly string[] = [],
  ) {
    this.prefix = `/api/v1/plugins/${pluginId}`;
  }

  route(route: PluginRoute): void {
    this.check(route.path);
    const owned = (base: string) => route.path === base || route.path.startsWith(`${base}/`);
    if (route.root && !this.apiPaths.some(owned)) throw PluginErrors.rootRoute(this.pluginId, route.path);
    this.sink.addPluginRoute(this.pluginId, route);
  }

  websocket(route: PluginWebSocketRoute): void {
    this.check(route.path);
    this.sink.addPluginWebSocket(this.pluginId, route);
  }

  /** Called when `register` returns. */
  seal(): void {
    this.sealed = true;
  }

  private check(path: string): void {
    if (this.sealed) throw PluginErrors.httpClosed(this.pluginId, path);
    if (!path.startsWith("/")) throw PluginErrors.routePath(this.pluginId, path);
  }
}
