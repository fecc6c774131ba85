/**
 * Hooks with declared kinds (after Rollup's PluginDriver): `first` stops at the first non-null answer,
 * `sequential` threads a value through every handler, `parallel` notifies all at once. Handlers run by
 * `order`, then tap order. A handler's error is wrapped with the plugin id and the hook name.
 */
import { SdkErrors, type HookHandler, type HookKind, type HookRef, type Hooks, type TapOptions, type Unsubscribe } from "@tandem/sdk";
import { PluginErrors } from "./errors.js";

interface Tap {
  readonly pluginId: string;
  readonly order: number;
  readonly seq: number;
  readonly handler: (...args: unknown[]) => unknown;
}

interface HookEntry {
  readonly kind: HookKind;
  taps: Tap[];
}

export class HookHost {
  private readonly hooks = new Map<string, HookEntry>();
  private seq = 0;

  /** The `Hooks` facade for one caller; taps are attributed to `pluginId` in errors. */
  forPlugin(pluginId: string): Hooks {
    return {
      tap: (hook, handler, options) => this.tap(pluginId, hook, handler, options),
      call: (hook, ...args) => this.call(hook, ...args),
      count: (hook) => this.hooks.get(hook.name)?.taps.length ?? 0,
    };
  }

  private entry(hook: HookRef<never, unknown>): HookEntry {
    let entry = this.hooks.get(hook.name);
    if (!entry) {
      entry = { kind: hook.kind, taps: [] };
      this.hooks.set(hook.name, entry);
    }
    if (entry.kind !== hook.kind) throw SdkErrors.invalidHook(hook.name, entry.kind, hook.kind);
    return entry;
  }

  private tap<A extends unknown[], R>(pluginId: string, hook: HookRef<A, R>, handler: HookHandler<A, R>, options?: TapOptions): Unsubscribe {
    const entry = this.entry(hook as HookRef<never, unknown>);
    const tap: Tap = { pluginId, order: options?.order ?? 0, seq: this.seq++, handler: handler as Tap["handler"] };
    entry.taps = [...entry.taps, tap].sort((a, b) => a.order - b.order || a.seq - b.seq);
    return () => {
      entry.taps = entry.taps.filter((t) => t !== tap);
    };
  }

  private async call<A extends unknown[], R>(hook: HookRef<A, R>, ...args: A): Promise<R | null> {
    const entry = this.entry(hook as HookRef<never, unknown>);
    const taps = entry.taps;
    if (entry.kind === "first") {
      for (const tap of taps) {
        const result = await run(hook.name, tap, args);
        if (result !== null && result !== undefined) return result as R;
      }
      return null;
    }
    if (entry.kind === "sequential") {
      let value: unknown = args[0];
      for (const tap of taps) {
        const result = await run(hook.name, tap, [value, ...args.slice(1)]);
        if (result !== null && result !== undefined) value = result;
      }
      return (value ?? null) as R | null;
    }
    const settled = await Promise.allSettled(taps.map((tap) => run(hook.name, tap, args)));
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failure) throw failure.reason;
    return null;
  }
}

async function run(hookName: string, tap: Tap, args: unknown[]): Promise<unknown> {
  try {
    return await tap.handler(...args);
  } catch (err) {
    const wrapped = PluginErrors.hook(tap.pluginId, hookName, err instanceof Error ? err.message : String(err));
    throw Object.assign(wrapped, { cause: err, pluginId: tap.pluginId, hook: hookName });
  }
}
