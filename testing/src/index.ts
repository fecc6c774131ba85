/**
 * @tandem/testing — the test host for plugin authors: a real Tandem around the plugins under test, in a few
 * lines. It is a package of its own because it runs the core, and the SDK a plugin builds on never does.
 *
 * ```ts
 * const host = await createTestHost({ plugins: [myPlugin], config: { plugins: { "my-plugin": { enabled: true } } } });
 * const res = await host.inject({ method: "GET", url: "/api/v1/plugins/my-plugin/status" });
 * await host.close();
 * ```
 * @packageDocumentation
 */
export { createTestHost, socketlessSipStack } from "./create-test-host.js";
export { TestHostErrors } from "./errors.js";
export type { InjectResult, TestHost, TestHostOptions } from "./test-host.js";
