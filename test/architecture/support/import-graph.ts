/**
 * Every module reference of the project's source files, read with the TypeScript compiler's parser (so
 * `import type`, re-exports, `import()` calls and `import("x").T` types count like plain imports), each
 * resolved to the file or package it names.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

export const REPO = resolve(import.meta.dirname, "../../..");

/** How a file refers to a module. */
export type ReferenceKind = "import" | "export" | "dynamic" | "require" | "type-query";

export interface ModuleReference {
  /** Repo-relative path of the file holding the reference, with `/`. */
  readonly from: string;
  readonly line: number;
  readonly kind: ReferenceKind;
  /** The specifier as written; undefined for an `import()` whose argument is not a string literal. */
  readonly specifier: string | undefined;
  /** Repo-relative path of the referenced file (relative specifiers and workspace packages). */
  readonly file: string | undefined;
  /** The workspace package named by a bare specifier (`@tandem/sdk/testing/media` → `@tandem/sdk`). */
  readonly workspacePackage: string | undefined;
}

/** Folders whose `.ts` files are checked. */
export function sourceRoots(): string[] {
  const plugins = readdirSync(join(REPO, "plugins"))
    .map((name) => `plugins/${name}/src`)
    .filter((dir) => existsSync(join(REPO, dir)));
  return ["core/src", "sdk/src", "testing/src", "ui/src", ...plugins].filter((dir) => existsSync(join(REPO, dir)));
}

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(REPO, dir))) {
    const path = `${dir}/${name}`;
    if (name === "node_modules" || name === "dist") continue;
    if (statSync(join(REPO, path)).isDirectory()) out.push(...listTs(path));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

export function sourceFiles(): string[] {
  return sourceRoots().flatMap(listTs);
}

/** Workspace package name → its folder, from each workspace's package.json. */
function workspacePackages(): Map<string, string> {
  const map = new Map<string, string>();
  const folders = ["sdk", "core", "testing", ...readdirSync(join(REPO, "plugins")).map((n) => `plugins/${n}`)];
  for (const folder of folders) {
    const manifest = join(REPO, folder, "package.json");
    if (!existsSync(manifest)) continue;
    const { name } = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string };
    if (name) map.set(name, folder);
  }
  return map;
}

const packages = workspacePackages();

function toRepoPath(absolute: string): string {
  return relative(REPO, absolute).split(sep).join("/");
}

/** `./x.js` → `x.ts`, a folder → its `index.ts`. */
function resolveRelative(fromFile: string, specifier: string): string {
  const base = resolve(join(REPO, dirname(fromFile)), specifier);
  const candidates = [base.replace(/\.js$/, ".ts"), `${base}.ts`, join(base, "index.ts"), base];
  return toRepoPath(candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? base);
}

/** The package part of a bare specifier: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

/** The source file a workspace package's export resolves to under the `tandem-src` condition. */
function resolveWorkspace(folder: string, specifier: string, name: string): string | undefined {
  const manifest = JSON.parse(readFileSync(join(REPO, folder, "package.json"), "utf8")) as { exports?: Record<string, unknown> };
  const entry = manifest.exports?.[`.${specifier.slice(name.length)}`] as Record<string, string> | undefined;
  const target = entry?.["tandem-src"];
  return target ? toRepoPath(join(REPO, folder, target)) : undefined;
}

function resolveReference(from: string, specifier: string | undefined): Pick<ModuleReference, "file" | "workspacePackage"> {
  if (specifier === undefined) return { file: undefined, workspacePackage: undefined };
  if (specifier.startsWith(".")) return { file: resolveRelative(from, specifier), workspacePackage: undefined };
  const name = packageOf(specifier);
  const folder = packages.get(name);
  if (!folder) return { file: undefined, workspacePackage: undefined };
  return { file: resolveWorkspace(folder, specifier, name), workspacePackage: name };
}

function literal(node: ts.Node | undefined): string | undefined {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;
}

/** Every module reference in one file. */
export function referencesOf(file: string): ModuleReference[] {
  const text = readFileSync(join(REPO, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: ModuleReference[] = [];
  const add = (node: ts.Node, kind: ReferenceKind, specifier: string | undefined): void => {
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    found.push({ from: file, line, kind, specifier, ...resolveReference(file, specifier) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node, "import", literal(node.moduleSpecifier));
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier) add(node, "export", literal(node.moduleSpecifier));
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, "require", literal(node.moduleReference.expression));
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, "type-query", literal(node.argument.literal));
    } else if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, "dynamic", literal(node.arguments[0]));
      else if (ts.isIdentifier(node.expression) && node.expression.text === "require" && node.arguments.length === 1) {
        add(node, "require", literal(node.arguments[0]));
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The references of every checked source file. */
export function allReferences(): ModuleReference[] {
  return sourceFiles().flatMap(referencesOf);
}

/** `path:line: what` — how a broken rule is reported. */
export function describe(ref: ModuleReference, why: string): string {
  return `${ref.from}:${ref.line}: ${ref.kind} ${JSON.stringify(ref.specifier ?? "<computed>")} ${why}`;
}
