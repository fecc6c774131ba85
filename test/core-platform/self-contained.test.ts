/**
 * A fresh clone is all the suite has: no test or source may read a path outside the repository (the steering
 * repo's shared/ folder sits beside the working tree here, but not beside a user's clone), and the RFC 4475
 * corpus ships byte-exact under test/fixtures with git told never to convert its line ends.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { REPO } from "./helpers/temp-plugins.js";

const ROOTS = ["test", "core", "sdk", "plugins"];
const SKIP = new Set(["node_modules", "dist", "fixtures", "data"]);
/** A relative climb into a sibling `shared` folder, or the absolute path of the steering checkout. */
const OUTSIDE = [new RegExp(["\\.\\.", "shared"].join("/")), new RegExp(["", "work", "shared"].join("/"))];

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (/\.(ts|js|mjs|cjs|sh|json|xml)$/.test(name)) out.push(path);
  }
  return out;
}

test("no test or source names a path outside the repository", { timeout: 180_000 }, () => {
  const offenders: string[] = [];
  for (const root of ROOTS) {
    for (const file of sources(join(REPO, root))) {
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (OUTSIDE.some((re) => re.test(line))) offenders.push(`${relative(REPO, file)}:${i + 1}: ${line.trim()}`);
        });
    }
  }
  assert.deepEqual(offenders, []);
});

test("the RFC 4475 corpus is in the repo and git keeps its bytes as they are", { timeout: 180_000 }, () => {
  const dir = join(REPO, "test/fixtures/rfc4475");
  const dats = readdirSync(dir).filter((f) => f.endsWith(".dat"));
  assert.equal(dats.length, 49);
  const attrs = execFileSync("git", ["check-attr", "text", "--", "test/fixtures/rfc4475/mpart01.dat", "test/fixtures/rfc4475/INDEX.tsv"], {
    cwd: REPO,
    encoding: "utf8",
  });
  assert.match(attrs, /mpart01\.dat: text: unset/);
  assert.match(attrs, /INDEX\.tsv: text: unset/);
  // mpart01's binary part holds bare CR, bare LF and NUL on purpose (RFC 4475 §3.1.1.11).
  const mpart = readFileSync(join(dir, "mpart01.dat"));
  assert.ok(mpart.includes(0), "NUL bytes of mpart01 lost");
});
