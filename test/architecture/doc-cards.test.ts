/**
 * Every hook and every extension point has its doc card. A card is a Markdown heading whose whole text is
 * the id in backticks (`` ## `routeCall` ``): hooks in docs/reference/hooks.md, extension points in
 * docs/reference/extension-points.md. Ids come from the `defineHook` / `defineExtensionPoint` calls in the
 * SDK, the core and the plugins, read with the TypeScript parser; a card whose id is defined nowhere is stale.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import ts from "typescript";
import { REPO, sourceFiles } from "./support/import-graph.js";

interface Definition {
  readonly id: string;
  readonly at: string;
}

function definitionsOf(callee: "defineHook" | "defineExtensionPoint"): Definition[] {
  const found: Definition[] = [];
  for (const file of sourceFiles()) {
    const text = readFileSync(join(REPO, file), "utf8");
    if (!text.includes(callee)) continue;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === callee) {
        const arg = node.arguments[0];
        const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
        if (arg && ts.isStringLiteral(arg)) found.push({ id: arg.text, at: `${file}:${line}` });
        else found.push({ id: "<computed>", at: `${file}:${line}` });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/** Ids of the cards in one reference page. */
function cardsIn(page: string): Set<string> {
  const text = readFileSync(join(REPO, "docs/reference", page), "utf8");
  return new Set([...text.matchAll(/^#{2,4} `([^`]+)`\s*$/gm)].map((m) => m[1] as string));
}

function check(callee: "defineHook" | "defineExtensionPoint", page: string, known: readonly string[]): void {
  const defined = definitionsOf(callee);
  const ids = new Set(defined.map((d) => d.id));
  for (const id of known) assert.ok(ids.has(id), `the scan found no ${callee}("${id}")`);
  const cards = cardsIn(page);
  const missing = defined.filter((d) => !cards.has(d.id)).map((d) => `${d.at}: ${callee}("${d.id}") has no card in docs/reference/${page}`);
  const stale = [...cards].filter((id) => !ids.has(id)).map((id) => `docs/reference/${page}: card ${id} names nothing defined`);
  assert.deepEqual([...missing, ...stale], []);
}

test("every hook has its card in docs/reference/hooks.md", { timeout: 180_000 }, () => {
  check("defineHook", "hooks.md", ["routeCall", "selectTrunk"]);
});

test("every extension point has its card in docs/reference/extension-points.md", { timeout: 180_000 }, () => {
  check("defineExtensionPoint", "extension-points.md", ["core.call-control", "media.mcu"]);
});
