/**
 * Starts a worker thread on a module beside the caller: `./name.js` in the compiled output, `./name.ts` when the
 * core runs from source under tsx (tests, benchmarks). A worker thread does not inherit the TypeScript loader, so
 * from source it boots by registering tsx's loader first; an eval'd worker resolves bare names from the working
 * directory, which need not be the repo, so the loader is resolved here.
 */
import { Worker } from "node:worker_threads";

/**
 * @param callerUrl the caller's `import.meta.url`
 * @param name the worker module's file name without extension, relative to the caller's folder (`./writer-thread`)
 */
export function spawnWorker(callerUrl: string, name: string, workerData: unknown): Worker {
  if (callerUrl.endsWith(".ts")) {
    const entry = new URL(`${name}.ts`, callerUrl).href;
    const loader = import.meta.resolve("tsx/esm/api");
    const boot = `import(${JSON.stringify(loader)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(boot, { eval: true, workerData });
  }
  return new Worker(new URL(`${name}.js`, callerUrl), { workerData });
}
