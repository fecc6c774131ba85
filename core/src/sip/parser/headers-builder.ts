/**
 * Builds the `headers` object of a sip.js message. Adding ~20 string keys one by one to a fresh object costs
 * ~40 ns per key in V8 (each add is a megamorphic map transition), about 10 % of a parse. Messages from one peer
 * repeat the same header sequence, so after a sequence has been seen twice we compile an object literal for it
 * (`new Function`, keys JSON-quoted, as serialisers such as fast-json-stringify do); the literal builds the same
 * plain object in a fraction of the time. Shapes are kept in a trie of header keys, bounded so that random
 * header orders cannot grow it (or the compiled code) without limit; past the bound, keys are added one by one.
 */

type Entry = { raw: string; parsed?: unknown };
type Headers = Record<string, Entry[]>;
type Factory = (lists: Entry[][]) => Headers;

/** One header key (e.g. "Via"); the slot fields say where this key's list is in the message being parsed. */
export interface KeySlot {
  readonly key: string;
  stamp: number;
  index: number;
}

interface ShapeNode {
  onlySlot: KeySlot | undefined;
  only: ShapeNode | undefined;
  children: Map<KeySlot, ShapeNode> | undefined;
  seen: number;
  factory: Factory | undefined;
}

const MAX_SHAPE_NODES = 2048;
const MAX_FACTORIES = 256;
const COMPILE_AFTER = 2;

const slots = new Map<string, KeySlot>();
const root: ShapeNode = newNode();
let shapeNodes = 1;
let factories = 0;
let stampCounter = 0;

function newNode(): ShapeNode {
  return { onlySlot: undefined, only: undefined, children: undefined, seen: 0, factory: undefined };
}

/** The slot for `key` (shared by every spelling of the key), or a throw-away one once the table is full. */
export function slotFor(key: string): KeySlot {
  let slot = slots.get(key);
  if (slot === undefined) {
    slot = { key, stamp: 0, index: 0 };
    if (slots.size < 4096) slots.set(key, slot);
  }
  return slot;
}

/** Collects one message's headers in arrival order. */
export class HeaderCollector {
  readonly slots: KeySlot[] = [];
  readonly lists: Entry[][] = [];
  private readonly stamp = ++stampCounter;

  push(slot: KeySlot, entry: Entry): void {
    if (slot.stamp === this.stamp) {
      (this.lists[slot.index] as Entry[]).push(entry);
      return;
    }
    slot.stamp = this.stamp;
    slot.index = this.slots.length;
    this.slots.push(slot);
    this.lists.push([entry]);
  }

  build(): Headers {
    const node = this.findNode();
    if (node?.factory) return node.factory(this.lists);
    const headers: Headers = {};
    for (let i = 0; i < this.slots.length; i++) {
      const key = (this.slots[i] as KeySlot).key;
      const list = this.lists[i] as Entry[];
      // Two slots share a key only once the slot table is full (a flood of new names): merge, never overwrite.
      const existing = headers[key];
      if (existing) existing.push(...list);
      else headers[key] = list;
    }
    return headers;
  }

  private findNode(): ShapeNode | undefined {
    let node = root;
    for (const slot of this.slots) {
      let next = node.onlySlot === slot ? node.only : node.children?.get(slot);
      if (next === undefined) {
        if (shapeNodes >= MAX_SHAPE_NODES || slots.get(slot.key) !== slot) return undefined;
        next = newNode();
        shapeNodes++;
        if (node.onlySlot === undefined) {
          node.onlySlot = slot;
          node.only = next;
        } else {
          (node.children ??= new Map()).set(slot, next);
        }
      }
      node = next;
    }
    if (node.factory === undefined && ++node.seen >= COMPILE_AFTER && factories < MAX_FACTORIES) {
      node.factory = compile(this.slots.map((s) => s.key));
      factories++;
      // Without code generation (node --disallow-code-generation-from-strings) every shape takes the slow path.
      if (node.factory === undefined) factories = MAX_FACTORIES;
    }
    return node;
  }
}

function compile(keys: string[]): Factory | undefined {
  const body = keys.map((key, i) => `${JSON.stringify(key)}: l[${i}]`).join(", ");
  try {
    return new Function("l", `return { ${body} };`) as Factory;
  } catch {
    return undefined;
  }
}
