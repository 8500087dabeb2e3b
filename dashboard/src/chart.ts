/** Charts drawn as plain SVG: a line of points per day, and grouped bars. Every mark carries its value as data. */

import { svg } from "./dom";

export interface Point {
  label: string;
  value: number;
}

const WIDTH = 720;
const HEIGHT = 220;
const MARGIN = { top: 16, right: 16, bottom: 36, left: 48 };

/** A top for the y axis whose four gridlines fall on round numbers (whole ones for counts). */
function niceMax(value: number): number {
  if (value <= 4) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 4, 8, 10]) {
    if (value <= step * magnitude) return step * magnitude;
  }
  return 10 * magnitude;
}

function yAxis(max: number, innerHeight: number): SVGElement {
  const axis = svg("g", { class: "axis axis-y" });
  for (let i = 0; i <= 4; i += 1) {
    const value = (max * i) / 4;
    const y = MARGIN.top + innerHeight - (innerHeight * i) / 4;
    axis.append(
      svg("line", { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y, y2: y, class: "grid" }),
      svg("text", { x: MARGIN.left - 6, y: y + 4, "text-anchor": "end" }, Number.isInteger(value) ? value : value.toFixed(1)),
    );
  }
  return axis;
}

/** One point per entry, joined by a line; `class="point"` marks each point for readers and tests. */
export function lineChart(points: Point[], title: string): SVGElement {
  const innerWidth = WIDTH - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const max = niceMax(Math.max(0, ...points.map((p) => p.value)));
  const step = points.length > 1 ? innerWidth / (points.length - 1) : 0;
  const x = (i: number): number => MARGIN.left + (points.length > 1 ? i * step : innerWidth / 2);
  const y = (v: number): number => MARGIN.top + innerHeight - (innerHeight * v) / max;
  const chart = svg("svg", {
    class: "chart chart-line",
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: "img",
    "aria-label": title,
    "data-points": points.length,
  });
  chart.append(svg("title", {}, title), yAxis(max, innerHeight));
  chart.append(
    svg("polyline", { class: "line", points: points.map((p, i) => `${x(i)},${y(p.value)}`).join(" ") }),
  );
  const labelEvery = Math.max(1, Math.ceil(points.length / 10));
  points.forEach((p, i) => {
    chart.append(
      svg(
        "circle",
        { class: "point", cx: x(i), cy: y(p.value), r: 4, "data-label": p.label, "data-value": p.value },
        svg("title", {}, `${p.label}: ${p.value}`),
      ),
    );
    if (i % labelEvery === 0) {
      chart.append(
        svg("text", { class: "axis-x", x: x(i), y: HEIGHT - MARGIN.bottom + 18, "text-anchor": "middle" }, p.label.slice(5)),
      );
    }
  });
  return chart;
}

export interface BarGroup {
  label: string;
  bars: Point[];
}

/** Groups of side-by-side bars (e.g. per platform: sent, received), with a legend of the bar names. */
export function groupedBars(groups: BarGroup[], title: string): SVGElement {
  const innerWidth = WIDTH - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const names = groups[0]?.bars.map((b) => b.label) ?? [];
  const max = niceMax(Math.max(0, ...groups.flatMap((g) => g.bars.map((b) => b.value))));
  const groupWidth = groups.length ? innerWidth / groups.length : innerWidth;
  const barWidth = (groupWidth * 0.7) / Math.max(1, names.length);
  const chart = svg("svg", { class: "chart chart-bars", viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": title });
  chart.append(svg("title", {}, title), yAxis(max, innerHeight));
  groups.forEach((group, g) => {
    const left = MARGIN.left + g * groupWidth + groupWidth * 0.15;
    group.bars.forEach((bar, b) => {
      const height = (innerHeight * bar.value) / max;
      chart.append(
        svg(
          "rect",
          {
            class: `bar bar-${b}`,
            x: left + b * barWidth,
            y: MARGIN.top + innerHeight - height,
            width: barWidth - 2,
            height,
            "data-group": group.label,
            "data-label": bar.label,
            "data-value": bar.value,
          },
          svg("title", {}, `${group.label} ${bar.label}: ${bar.value}`),
        ),
      );
    });
    chart.append(
      svg(
        "text",
        { class: "axis-x", x: left + (barWidth * names.length) / 2, y: HEIGHT - MARGIN.bottom + 18, "text-anchor": "middle" },
        group.label,
      ),
    );
  });
  names.forEach((name, b) => {
    const x = WIDTH - MARGIN.right - 110 * (names.length - b);
    chart.append(
      svg("rect", { class: `legend bar-${b}`, x, y: 4, width: 10, height: 10 }),
      svg("text", { class: "legend-label", x: x + 14, y: 13 }, name),
    );
  });
  return chart;
}
