/**
 * The layering the code base keeps, read from the imports of every source file (core, SDK, testing kit,
 * plugins, dashboard): a broken rule fails with the file, line and specifier that broke it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { cyclesOf } from "./support/cycles.js";
import { allReferences, describe, packageOf, type ModuleReference } from "./support/import-graph.js";

const refs = allReferences();

function inside(path: string | undefined, folder: string): boolean {
  return path !== undefined && path.startsWith(`${folder}/`);
}

function pluginFolderOf(path: string): string | undefined {
  const match = /^plugins\/[^/]+/.exec(path);
  return match?.[0];
}

/** A workspace package or a file of another workspace, as a plugin sees it. */
function reachesCore(ref: ModuleReference): boolean {
  return ref.workspacePackage === "@tandem/core" || inside(ref.file, "core");
}

function violations(filter: (ref: ModuleReference) => string | undefined): string[] {
  const out: string[] = [];
  for (const ref of refs) {
    const why = filter(ref);
    if (why !== undefined) out.push(describe(ref, why));
  }
  return out;
}

test("the scan sees the source of every area", { timeout: 180_000 }, () => {
  for (const folder of ["core/src/sip", "core/src/calls", "sdk/src", "testing/src", "plugins/desktop/src", "ui/src"]) {
    assert.ok(refs.some((r) => inside(r.from, folder)), `no imports read under ${folder}`);
  }
});

test("every import() names its module with a string literal", { timeout: 180_000 }, () => {
  // A computed specifier hides what a file depends on from these rules; the plugin loader is the one
  // place whose job is loading modules named by the config.
  const loaders = new Set(["core/src/plugins/load-plugin-module.ts", "core/src/plugins/builtin-plugins.ts"]);
  assert.deepEqual(violations((r) => (r.specifier === undefined && !loaders.has(r.from) ? "is computed" : undefined)), []);
});

test("the core imports no plugin and no test kit", { timeout: 180_000 }, () => {
  const broken = violations((r) => {
    if (!inside(r.from, "core")) return undefined;
    if (inside(r.file, "plugins") || r.workspacePackage?.startsWith("@tandem/plugin-")) return "reaches a plugin";
    if (r.workspacePackage === "@tandem/testing" || inside(r.file, "testing")) return "reaches the test kit";
    return undefined;
  });
  assert.deepEqual(broken, []);
});

test("plugins import only the SDK, libraries and their own files", { timeout: 180_000 }, () => {
  const broken = violations((r) => {
    const own = pluginFolderOf(r.from);
    if (own === undefined || r.specifier === undefined) return undefined;
    if (r.specifier.startsWith(".")) return inside(r.file, own) ? undefined : "leaves the plugin's folder";
    if (r.workspacePackage === undefined) {
      return packageOf(r.specifier).startsWith("@tandem/") ? "names a Tandem package that is not the SDK" : undefined;
    }
    return r.workspacePackage === "@tandem/sdk" ? undefined : `imports ${r.workspacePackage}; plugins see only @tandem/sdk`;
  });
  assert.deepEqual(broken, []);
});

test("the SDK imports neither the core, a plugin nor the test kit", { timeout: 180_000 }, () => {
  const broken = violations((r) => {
    if (!inside(r.from, "sdk")) return undefined;
    if (reachesCore(r)) return "reaches the core";
    if (r.specifier?.startsWith("@tandem/") && r.workspacePackage !== "@tandem/sdk") return "reaches another Tandem package";
    if (r.specifier?.startsWith(".") && !inside(r.file, "sdk")) return "leaves the SDK's folder";
    return undefined;
  });
  assert.deepEqual(broken, []);
});

test("the dashboard talks to the server over HTTP only: it imports no workspace code", { timeout: 180_000 }, () => {
  const broken = violations((r) => {
    if (!inside(r.from, "ui")) return undefined;
    if (r.workspacePackage !== undefined) return "imports a workspace package";
    if (r.specifier?.startsWith(".") && !inside(r.file, "ui")) return "leaves the ui folder";
    return undefined;
  });
  assert.deepEqual(broken, []);
});

test("the SIP layer knows nothing of the registry or of calls", { timeout: 180_000 }, () => {
  const broken = violations((r) =>
    inside(r.from, "core/src/sip") && (inside(r.file, "core/src/registry") || inside(r.file, "core/src/calls")) ? "is above the SIP layer" : undefined,
  );
  assert.deepEqual(broken, []);
});

test("storage knows no domain", { timeout: 180_000 }, () => {
  const domain = ["registry", "calls", "bus", "sip", "sip-trace", "plugins", "admin"].map((d) => `core/src/${d}`);
  const broken = violations((r) =>
    inside(r.from, "core/src/storage") && domain.some((d) => inside(r.file, d)) ? "is domain code storage must not know" : undefined,
  );
  assert.deepEqual(broken, []);
});

test("calls reach the SIP layer only through its public face, core/src/sip/index.ts", { timeout: 180_000 }, () => {
  const broken = violations((r) =>
    inside(r.from, "core/src/calls") && inside(r.file, "core/src/sip") && r.file !== "core/src/sip/index.ts" ? "bypasses core/src/sip/index.ts" : undefined,
  );
  assert.deepEqual(broken, []);
});

test("the call model gets what a plugin gets: no database driver, no HTTP framework, nothing of the core but the SIP face", { timeout: 180_000 }, () => {
  // Its storage and routes come through the SDK's PluginStorage and PluginHttp, so it could become a plugin.
  const frameworks = new Set(["better-sqlite3", "fastify"]);
  const broken = violations((r) => {
    if (!inside(r.from, "core/src/calls") || r.specifier === undefined) return undefined;
    if (!r.specifier.startsWith(".") && frameworks.has(packageOf(r.specifier))) return "uses the framework the context hides";
    if (inside(r.file, "core/src") && !inside(r.file, "core/src/calls") && r.file !== "core/src/sip/index.ts") return "reaches into the core";
    return undefined;
  });
  assert.deepEqual(broken, []);
});

/** Import edges between units: a sub-folder, or a file standing directly in `folder`. */
function unitEdges(folder: string, skip: ReadonlySet<string> = new Set()): Array<readonly [string, string]> {
  const unit = (path: string): string => path.slice(folder.length + 1).split("/")[0] ?? path;
  const edges: Array<readonly [string, string]> = [];
  for (const r of refs) {
    if (!inside(r.from, folder) || !inside(r.file, folder) || r.file === undefined) continue;
    const a = unit(r.from);
    const b = unit(r.file);
    if (a !== b && !skip.has(a)) edges.push([a, b]);
  }
  return edges;
}

test("no import cycle between the parts of the SIP layer (its folders and the contract files beside them)", { timeout: 180_000 }, () => {
  // index.ts is the layer's face to the rest of the core; nothing inside the layer imports it.
  assert.deepEqual(cyclesOf(unitEdges("core/src/sip", new Set(["index.ts"]))), []);
});

/**
 * The SIP folders by RFC concept, lowest first (core/src/sip/README.md): a folder imports only folders of a
 * lower row, so a change to a row never reaches into the rows beneath it by surprise.
 */
const SIP_LAYERS: readonly (readonly string[])[] = [
  ["parser", "transport"],
  ["transactions"],
  ["messages", "sdp"],
  ["extensions"],
  ["dialogs", "subscriptions"],
  ["b2bua"],
  ["stack"],
];

test("each SIP folder imports only the folders below it (parser and transport up to stack)", { timeout: 180_000 }, () => {
  const row = new Map(SIP_LAYERS.flatMap((names, i) => names.map((name) => [name, i] as const)));
  const folderOf = (path: string): string | undefined => {
    const parts = path.slice("core/src/sip/".length).split("/");
    return parts.length > 1 ? parts[0] : undefined;
  };
  const broken = violations((r) => {
    if (!inside(r.from, "core/src/sip") || !inside(r.file, "core/src/sip") || r.file === undefined) return undefined;
    const from = folderOf(r.from);
    const to = folderOf(r.file);
    if (from === undefined || to === undefined || from === to) return undefined;
    const a = row.get(from);
    const b = row.get(to);
    if (a === undefined || b === undefined) return `names a SIP folder missing from SIP_LAYERS (${a === undefined ? from : to})`;
    return b < a ? undefined : `reaches ${to}/, which is not below ${from}/`;
  });
  assert.deepEqual(broken, []);
});

test("no import cycle between the core's areas (config and the plugin host among them)", { timeout: 180_000 }, () => {
  // index.ts is the package's face; it re-exports from every area and nothing imports it.
  assert.deepEqual(cyclesOf(unitEdges("core/src", new Set(["index.ts"]))), []);
});
