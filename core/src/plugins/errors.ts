/** Coded errors of the plugin host. The boot checks become items of `TANDEM_ERR_CONFIG_INVALID`'s list. */
import { defineError } from "@tandem/sdk";

export const PluginErrors = {
  notFound: defineError("TANDEM_ERR_PLUGIN_NOT_FOUND", "plugin %s: cannot load %s: %s"),
  importFailed: defineError("TANDEM_ERR_PLUGIN_IMPORT", "plugin %s: loading %s threw: %s"),
  notAPlugin: defineError("TANDEM_ERR_PLUGIN_NOT_A_PLUGIN", "plugin %s: the default export of %s was not made by definePlugin()"),
  manifest: defineError("TANDEM_ERR_PLUGIN_MANIFEST", "plugin %s: bad manifest: %s"),
  nameMismatch: defineError("TANDEM_ERR_PLUGIN_NAME_MISMATCH", "plugin %s: its manifest is named %s; the name must equal its key under plugins"),
  sdkRange: defineError("TANDEM_ERR_PLUGIN_SDK_RANGE", "plugin %s needs SDK %s but this host provides SDK %s"),
  dependencyMissing: defineError("TANDEM_ERR_PLUGIN_DEPENDENCY_MISSING", "plugin %s depends on %s, which is %s"),
  cycle: defineError("TANDEM_ERR_PLUGIN_CYCLE", "plugins depend on each other in a cycle: %s"),
  dnOptionClash: defineError("TANDEM_ERR_PLUGIN_DN_OPTION_CLASH", "plugin %s declares DN option %s, which %s already declares"),
  duplicate: defineError("TANDEM_ERR_PLUGIN_DUPLICATE", "plugin %s is given twice (in config and as a test plugin)"),
  register: defineError("TANDEM_ERR_PLUGIN_REGISTER", "plugin %s failed in register: %s"),
  ready: defineError("TANDEM_ERR_PLUGIN_READY", "plugin %s failed in onReady: %s"),
  hook: defineError("TANDEM_ERR_PLUGIN_HOOK", "plugin %s failed in hook %s: %s"),
  httpClosed: defineError("TANDEM_ERR_PLUGIN_HTTP_CLOSED", "plugin %s added route %s after register returned; add routes during register"),
  apiPathClash: defineError("TANDEM_ERR_PLUGIN_API_PATH_CLASH", "plugin %s claims the API path %s, which %s already serves"),
  rootRoute: defineError("TANDEM_ERR_PLUGIN_ROOT_ROUTE", "plugin %s: root route %s is not under a path its manifest lists in apiPaths"),
  routePath: defineError("TANDEM_ERR_PLUGIN_ROUTE_PATH", "plugin %s: route path %s must start with /"),
  extensionDuplicate: defineError("TANDEM_ERR_PLUGIN_EXTENSION_DUPLICATE", "extension point %s already has an implementation named %s"),
  extensionOwner: defineError(
    "TANDEM_ERR_PLUGIN_EXTENSION_OWNER",
    "plugin %s provides to extension point %s, whose owner plugin %s is not enabled",
  ),
} as const;
