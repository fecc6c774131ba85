/** Readers for sipp's message log (`-trace_msg`): what the notifier received, and when. */

/** Times (ms since epoch) at which sipp received a request of `method`, from its message log. */
export function receivedAt(messages: string, method: string): number[] {
  const times: number[] = [];
  const blocks = messages.split(/-{20,} /);
  for (const block of blocks) {
    const match = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\s*\n\s*(?:UDP|TCP) message received \[\d+\] bytes :\s*\n(\S+)/.exec(block);
    if (match && match[2] === method) times.push(Date.parse(`${match[1]?.replace(" ", "T").slice(0, 23)}Z`));
  }
  return times;
}

/** Call-IDs of the SUBSCRIBEs sipp received (a new one per new dialog). */
export function subscribeCallIds(messages: string): string[] {
  const ids = new Set<string>();
  for (const block of messages.split(/-{20,} /)) {
    if (!/message received[^\n]*\n\s*SUBSCRIBE /.test(block)) continue;
    const id = /Call-ID:\s*(\S+)/i.exec(block)?.[1];
    if (id) ids.add(id);
  }
  return [...ids];
}

/** The SUBSCRIBEs sipp received, whole, in order. */
export function receivedSubscribes(messages: string): string[] {
  return messages.split(/-{20,} /).filter((block) => /message received[^\n]*\n\s*SUBSCRIBE /.test(block));
}
