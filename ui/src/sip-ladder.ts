/**
 * A SIP ladder diagram (the picture sngrep draws): one column per peer and one for Tandem, one arrow per
 * message with its method or status, the time since the first message and since the previous one. Peers of
 * inbound legs stand left of Tandem, peers of outbound legs right, so a B2BUA call reads left to right.
 */
import { s } from "./dom.js";
import type { CallTrace, TracedMessage } from "./api-types.js";

const GUTTER = 120;
const COLUMN = 200;
const ROW = 34;
const TOP = 48;

interface Column {
  key: string;
  title: string;
  subtitle: string;
}

function columnsOf(trace: CallTrace): Column[] {
  const legOf = new Map(trace.legs.map((l) => [l.sipCallId, l]));
  const left: Column[] = [];
  const right: Column[] = [];
  const seen = new Set<string>();
  for (const m of trace.messages) {
    if (seen.has(m.peer)) continue;
    seen.add(m.peer);
    const leg = legOf.get(m.sipCallId);
    const column = { key: m.peer, title: leg ? `${leg.role}${leg.dn ? ` ${leg.dn}` : ""}` : "peer", subtitle: m.peer };
    (leg?.direction === "outbound" ? right : left).push(column);
  }
  return [...left, { key: "tandem", title: "Tandem", subtitle: "B2BUA" }, ...right];
}

export function sipLadder(trace: CallTrace, select: (message: TracedMessage, row: SVGElement) => void): SVGElement {
  const columns = columnsOf(trace);
  const x = (key: string): number => GUTTER + COLUMN / 2 + columns.findIndex((c) => c.key === key) * COLUMN;
  const legClass = new Map(trace.legs.map((l, i) => [l.sipCallId, `leg-${i % 4}`]));
  const height = TOP + trace.messages.length * ROW + 16;
  const width = GUTTER + columns.length * COLUMN;
  const first = trace.messages[0]?.atMs ?? 0;
  const heads = columns.flatMap((c) => [
    s("text", { class: "col-title", x: x(c.key), y: 16, "text-anchor": "middle" }, c.title),
    s("text", { class: "col-sub", x: x(c.key), y: 32, "text-anchor": "middle" }, c.subtitle),
    s("line", { class: "lifeline", x1: x(c.key), y1: TOP - 8, x2: x(c.key), y2: height }),
  ]);
  const rows = trace.messages.map((m, i) => {
    const y = TOP + i * ROW + ROW / 2;
    const [from, to] = m.direction === "in" ? [x(m.peer), x("tandem")] : [x("tandem"), x(m.peer)];
    const dir = to > from ? 1 : -1;
    const delta = i === 0 ? "" : ` (+${m.atMs - (trace.messages[i - 1]?.atMs ?? m.atMs)})`;
    const row = s(
      "g",
      { class: `msg ${legClass.get(m.sipCallId) ?? "leg-0"}${m.status !== undefined && m.status >= 400 ? " error" : ""}`, tabindex: 0, "data-label": m.label },
      s("rect", { class: "hit", x: 0, y: y - ROW / 2, width, height: ROW }),
      s("text", { class: "time", x: 4, y: y + 4 }, `${m.atMs - first} ms${delta}`),
      s("line", { class: "arrow", x1: from, y1: y, x2: to - dir * 6, y2: y }),
      s("polygon", { class: "head", points: `${to},${y} ${to - dir * 8},${y - 4} ${to - dir * 8},${y + 4}` }),
      s("text", { class: "label", x: (from + to) / 2, y: y - 5, "text-anchor": "middle" }, m.label),
    );
    row.addEventListener("click", () => select(m, row));
    row.addEventListener("keydown", (e) => {
      if ((e as KeyboardEvent).key === "Enter") select(m, row);
    });
    return row;
  });
  return s("svg", { class: "ladder", viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": "SIP ladder" }, ...heads, ...rows);
}
