/**
 * A binary min-heap of agents by how long they have been idle (ties: their place in the queue's group), so the
 * longest idle Ready agent of a queue is found in O(log n) whatever the group's size.
 */

/** One agent's place in a queue's heap. `idle` is its `since` as a fixed-length UTC ISO string (orders as text). */
export interface IdleEntry {
  dn: string;
  idle: string;
  order: number;
}

function before(a: IdleEntry, b: IdleEntry): boolean {
  if (a.idle !== b.idle) return a.idle < b.idle;
  return a.order < b.order;
}

export class IdleHeap {
  private readonly items: IdleEntry[] = [];

  get size(): number {
    return this.items.length;
  }

  push(entry: IdleEntry): void {
    const items = this.items;
    let i = items.length;
    items.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, items[parent] as IdleEntry)) break;
      items[i] = items[parent] as IdleEntry;
      i = parent;
    }
    items[i] = entry;
  }

  pop(): IdleEntry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && before(items[right] as IdleEntry, items[left] as IdleEntry) ? right : left;
      if (!before(items[child] as IdleEntry, last)) break;
      items[i] = items[child] as IdleEntry;
      i = child;
    }
    items[i] = last;
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }
}
