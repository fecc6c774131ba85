/**
 * Hooks are decisions the core (or a plugin) waits on. Each hook has a declared kind, as in Rollup:
 * - `first`: handlers run in order until one returns a value other than `null`/`undefined`; that value wins.
 * - `sequential`: each handler receives the value the previous one returned and may return a changed one.
 * - `parallel`: notifications; all handlers run at once and their results are ignored.
 * A hook is a typed reference made by {@link defineHook}; plugins that offer an extension point define
 * their own hooks the same way.
 */
import type { Unsubscribe } from "./events.js";

/** The three hook kinds. */
export type HookKind = "first" | "sequential" | "parallel";

/** A typed hook reference. `A` is the argument tuple, `R` the result type. */
export interface HookRef<A extends unknown[], R> {
  readonly name: string;
  readonly kind: HookKind;
  /** Type carrier only; never set at run time. */
  readonly __types?: { args: A; result: R };
}

/** A handler for a hook; for `sequential` hooks the first argument is the value so far. */
export type HookHandler<A extends unknown[], R> = (...args: A) => R | null | undefined | Promise<R | null | undefined>;

/** Options when tapping a hook. */
export interface TapOptions {
  /** Lower runs earlier (default 0); ties keep registration order. */
  order?: number;
}

/** Registers handlers and calls hooks. Errors thrown by a handler are wrapped with the plugin id and hook name. */
export interface Hooks {
  tap<A extends unknown[], R>(hook: HookRef<A, R>, handler: NoInfer<HookHandler<A, R>>, options?: TapOptions): Unsubscribe;
  /**
   * Calls a hook. `first`: the winning value or `null`. `sequential`: the final value (the first argument
   * when nobody changed it). `parallel`: `null` after all handlers settle.
   */
  call<A extends unknown[], R>(hook: HookRef<A, R>, ...args: A): Promise<R | null>;
  /** Number of handlers tapped on a hook. */
  count(hook: HookRef<unknown[], unknown>): number;
}

/** Declares a hook. Hook names are verbs for decisions (`routeCall`) and start with `on` for notifications. */
export function defineHook<A extends unknown[], R>(name: string, kind: HookKind): HookRef<A, R> {
  return Object.freeze({ name, kind });
}
