/**
 * Extension points (after Backstage): a typed reference owned by one plugin, through which other
 * plugins provide implementations — e.g. the MCU adapter contract that vendor plugins implement.
 * A vendor's plugin depends only on the SDK (where the reference is declared) and on the owning plugin's id.
 * Decisions the core waits on are hooks; long-lived services and adapters are extension points.
 */
import { SdkErrors } from "./errors.js";

/** A typed extension point reference. */
export interface ExtensionPointRef<T> {
  /** `<owner>.<name>`. */
  readonly id: string;
  /** The plugin that owns the point (`core` for the core's own); implementations need it enabled. */
  readonly owner: string;
  /** Type carrier only. */
  readonly __type?: T;
}

/** The core's own points are owned by `core`, which is always there. */
export const CORE_EXTENSION_OWNER = "core";

/** Plugin names are lower-case words joined by `-`; the point's name may add `.`-separated parts. */
const POINT_ID = /^([a-z][a-z0-9-]*)\.[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

/** Declares an extension point. Ids are `<owner-plugin>.<name>`; a malformed id throws `TANDEM_ERR_SDK_EXTENSION_POINT_ID`. */
export function defineExtensionPoint<T>(id: string): ExtensionPointRef<T> {
  const owner = POINT_ID.exec(id)?.[1];
  if (owner === undefined) throw SdkErrors.extensionPointId(id);
  return Object.freeze({ id, owner });
}

/** Providing and finding implementations of extension points. */
export interface Extensions {
  /**
   * Registers an implementation under `name` (e.g. the vendor name). The point's owner must be enabled
   * (`TANDEM_ERR_PLUGIN_EXTENSION_OWNER` otherwise, which stops the boot).
   */
  provide<T>(ref: ExtensionPointRef<T>, name: string, implementation: T): void;
  /** All implementations registered so far, by name. */
  all<T>(ref: ExtensionPointRef<T>): ReadonlyMap<string, T>;
  get<T>(ref: ExtensionPointRef<T>, name: string): T | undefined;
}
