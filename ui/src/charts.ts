/** Small inline-SVG charts: bars (calls per minute) and lines (queue wait, agents by state). */
import { s } from "./dom.js";

export interface Series {
  name: string;
  className: string;
  values: number[];
}

const W = 360;
const H = 120;
const PAD = 24;
/** Room above the plot for the legend. */
const TOP = 14;

/** Bars over equal slots, oldest left; the y axis tops at the largest value. */
export function barChart(title: string, values: number[], slotLabel: (i: number) => string, unit = ""): SVGElement {
  const max = Math.max(1, ...values);
  const width = (W - PAD) / Math.max(1, values.length);
  const bars = values.map((v, i) => {
    const height = ((H - PAD - TOP) * v) / max;
    return s("rect", { class: "bar", x: PAD + i * width, y: H - PAD - height, width: Math.max(1, width - 1), height }, s("title", {}, `${slotLabel(i)}: ${Math.round(v * 10) / 10}${unit}`));
  });
  return frame(title, max, bars, values.length > 0 ? [slotLabel(0), slotLabel(values.length - 1)] : [], unit);
}

/** One step line per series over samples taken at `times` (ms), placed by time; the last value holds until now. */
export function lineChart(title: string, times: number[], series: Series[], firstLabel: string, lastLabel: string, unit = ""): SVGElement {
  const max = Math.max(1, ...series.flatMap((x) => x.values));
  const start = times[0] ?? 0;
  const span = Math.max(1, Date.now() - start);
  const xAt = (t: number): number => PAD + ((W - PAD) * (t - start)) / span;
  const yAt = (v: number): number => H - PAD - ((H - PAD - TOP) * v) / max;
  const lines = series.map((x) => {
    const points = x.values.flatMap((v, i) => {
      const next = times[i + 1] ?? Date.now();
      return [`${xAt(times[i] ?? start)},${yAt(v)}`, `${xAt(next)},${yAt(v)}`];
    }).join(" ");
    return s("polyline", { class: `line ${x.className}`, points }, s("title", {}, x.name));
  });
  const legend = series.map((x, i) => s("text", { class: `legend ${x.className}`, x: PAD + i * 80, y: 10 }, x.name));
  return frame(title, max, [...lines, ...legend], [firstLabel, lastLabel], unit);
}

function frame(title: string, max: number, marks: SVGElement[], xLabels: string[], unit = ""): SVGElement {
  return s(
    "svg",
    { class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title },
    s("line", { class: "axis", x1: PAD, y1: H - PAD, x2: W, y2: H - PAD }),
    s("line", { class: "axis", x1: PAD, y1: TOP, x2: PAD, y2: H - PAD }),
    s("text", { class: "tick", x: PAD - 4, y: TOP + 4, "text-anchor": "end" }, `${Math.round(max)}${unit}`),
    s("text", { class: "tick", x: PAD - 4, y: H - PAD, "text-anchor": "end" }, "0"),
    xLabels[0] ? s("text", { class: "tick", x: PAD, y: H - 8 }, xLabels[0]) : null,
    xLabels[1] ? s("text", { class: "tick", x: W, y: H - 8, "text-anchor": "end" }, xLabels[1]) : null,
    ...marks,
  );
}
