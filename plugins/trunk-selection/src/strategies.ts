/**
 * The two selection strategies, as pure functions over a group's members and their health, so they can be
 * tested without sockets or timers.
 *
 * - round-robin walks a cursor over the member list and takes the next usable member after the one chosen
 *   last (Kamailio dispatcher algorithm 4). Each selection is synchronous, so concurrent calls can never read
 *   the same cursor position; an out-of-service member's share goes to its successor only while it is out.
 * - primary-backup takes the first usable member in list order (Kamailio algorithm 8), except that a member
 *   that came back into service less than `holdDownMs` ago is passed over while another member is usable,
 *   so traffic does not flap back to a primary that has just recovered.
 */

/** What a strategy needs to know about one member. */
export interface MemberView {
  readonly number: string;
  readonly inService: boolean;
  /** When it last came back into service (ms since epoch); 0 = never left. */
  readonly inServiceSince: number;
}

/** Round-robin state of one group. */
export interface RoundRobinCursor {
  /** Index of the member chosen last; -1 before the first choice. */
  last: number;
}

function usable(member: MemberView, exclude: readonly string[]): boolean {
  return member.inService && !exclude.includes(member.number);
}

/** The next usable member after the cursor; moves the cursor onto it. */
export function pickRoundRobin(members: readonly MemberView[], cursor: RoundRobinCursor, exclude: readonly string[]): string | undefined {
  const n = members.length;
  for (let step = 1; step <= n; step++) {
    const index = (((cursor.last + step) % n) + n) % n;
    const member = members[index];
    if (member && usable(member, exclude)) {
      cursor.last = index;
      return member.number;
    }
  }
  return undefined;
}

/** The first usable member whose hold-down has passed; else the first usable one at all. */
export function pickPrimaryBackup(members: readonly MemberView[], holdDownMs: number, exclude: readonly string[], now = Date.now()): string | undefined {
  const candidates = members.filter((m) => usable(m, exclude));
  const settled = candidates.find((m) => m.inServiceSince === 0 || now - m.inServiceSince >= holdDownMs);
  return (settled ?? candidates[0])?.number;
}
