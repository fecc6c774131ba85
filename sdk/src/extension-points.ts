/**
 * Extension points (after Backstage): a typed reference owned by one plugin, through which other
 * plugins provide implementations — e.g. the MCU adapter contract that vendor plugins implement.
 * A vendor's plugin depends only on the SDK (where the reference is declared) and on the owning plugin's id.
 */

/** A typed extension point reference. */
export interface ExtensionPointRef<T> {
  readonly id: string;
  /** Type carrier only. */
  readonly __type?: T;
}

/** Declares an extension point. Ids are `<owner-plugin>.<name>`. */
export function defineExtensionPoint<T>(id: string): ExtensionPointRef<T> {
  return Object.freeze({ id });
}

/** Providing and finding implementations of extension points. */
export interface Extensions {
  /** Registers an implementation under `name` (e.g. the vendor name). */
  provide<T>(ref: ExtensionPointRef<T>, name: string, implementation: T): void;
  /** All implementations registered so far, by name. */
  all<T>(ref: ExtensionPointRef<T>): ReadonlyMap<string, T>;
  get<T>(ref: ExtensionPointRef<T>, name: string): T | undefined;
}
