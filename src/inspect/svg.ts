// Small builders for SVG charts with real text labels, returned as strings to be written to a
// .svg file or inlined in the HTML report. Line charts and bar panels, nothing more; every value
// placed in markup goes through escapeXml.

/** The two models' colours everywhere in charts and the report. */
export const FLOAT_COLOUR = "#1f5fa8";
export const INT8_COLOUR = "#d9731a";

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** A number for an attribute: at most two decimals, no trailing zeros. */
function n(value: number): string {
  return String(Math.round(value * 100) / 100);
}

export interface TextOptions {
  anchor?: "start" | "middle" | "end";
  size?: number;
  weight?: "normal" | "bold";
  fill?: string;
  /** Degrees, about (x, y). */
  rotate?: number;
}

export function svgText(x: number, y: number, content: string, options: TextOptions = {}): string {
  const { anchor = "start", size = 12, weight = "normal", fill = "#222", rotate } = options;
  const transform = rotate === undefined ? "" : ` transform="rotate(${n(rotate)} ${n(x)} ${n(y)})"`;
  return `<text x="${n(x)}" y="${n(y)}" font-size="${size}" text-anchor="${anchor}" font-weight="${weight}" fill="${fill}"${transform}>${escapeXml(content)}</text>`;
}

export function svgLine(x1: number, y1: number, x2: number, y2: number, stroke = "#999", width = 1, dash?: string): string {
  return `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" stroke="${stroke}" stroke-width="${n(width)}"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`;
}

export function svgRect(x: number, y: number, width: number, height: number, fill: string, title?: string): string {
  const tooltip = title === undefined ? "" : `<title>${escapeXml(title)}</title>`;
  return `<rect x="${n(x)}" y="${n(y)}" width="${n(Math.max(0, width))}" height="${n(Math.max(0, height))}" fill="${fill}">${tooltip}</rect>`;
}

/** A standalone SVG document; `label` is its accessible name. */
export function svgDocument(width: number, height: number, label: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(label)}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">` +
    `<rect width="100%" height="100%" fill="#ffffff"/>${body}</svg>`;
}

/** About `count` round tick values covering [min, max] (steps of 1, 2 or 5 × 10^k). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const rough = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let tick = Math.ceil(min / step - 1e-9) * step; tick <= max + step * 1e-9; tick += step) ticks.push(Math.round(tick / step) * step);
  return ticks;
}

export interface Series {
  name: string;
  colour: string;
  /** [x, y]; points with a non-finite y are left out (a gap in the data, e.g. no validation). */
  points: [number, number][];
  dashed?: boolean;
}

export interface LineChart {
  x: number;
  y: number;
  width: number;
  height: number;
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  xDomain: [number, number];
  yDomain: [number, number];
  formatY?: (value: number) => string;
  /** Vertical marker lines with a label, e.g. the kept epoch. */
  markers?: { x: number; label: string }[];
}

/** A line chart with axes, ticks, a title, axis labels and a legend, as an SVG group. */
export function lineChart(chart: LineChart): string {
  const left = chart.x + 56;
  // Title, then a legend row, then the plot; axis labels below it.
  const top = chart.y + 50;
  const plotWidth = chart.width - 56 - 24;
  const plotHeight = chart.height - 50 - 48;
  const [x0, x1] = chart.xDomain;
  const [y0, y1] = chart.yDomain;
  const sx = (value: number): number => left + (x1 === x0 ? plotWidth / 2 : ((value - x0) / (x1 - x0)) * plotWidth);
  const sy = (value: number): number => top + plotHeight - (y1 === y0 ? plotHeight / 2 : ((value - y0) / (y1 - y0)) * plotHeight);
  const formatY = chart.formatY ?? ((value: number) => String(value));
  const parts: string[] = [svgText(chart.x + chart.width / 2, chart.y + 16, chart.title, { anchor: "middle", size: 14, weight: "bold" })];

  for (const tick of niceTicks(y0, y1, 5)) {
    parts.push(svgLine(left, sy(tick), left + plotWidth, sy(tick), "#e4e4e4"));
    parts.push(svgText(left - 6, sy(tick) + 4, formatY(tick), { anchor: "end", size: 11, fill: "#555" }));
  }
  const xTicks = niceTicks(x0, x1, Math.min(10, Math.max(1, x1 - x0))).filter((tick) => Number.isInteger(tick));
  for (const tick of xTicks) {
    parts.push(svgLine(sx(tick), top + plotHeight, sx(tick), top + plotHeight + 4, "#555"));
    parts.push(svgText(sx(tick), top + plotHeight + 16, String(tick), { anchor: "middle", size: 11, fill: "#555" }));
  }
  parts.push(svgLine(left, top, left, top + plotHeight, "#555"));
  parts.push(svgLine(left, top + plotHeight, left + plotWidth, top + plotHeight, "#555"));
  parts.push(svgText(left + plotWidth / 2, top + plotHeight + 34, chart.xLabel, { anchor: "middle", size: 12 }));
  parts.push(svgText(chart.x + 14, top + plotHeight / 2, chart.yLabel, { anchor: "middle", size: 12, rotate: -90 }));

  for (const marker of chart.markers ?? []) {
    parts.push(svgLine(sx(marker.x), top, sx(marker.x), top + plotHeight, "#888", 1, "4 3"));
    // Labelled on the side with more room, so that a marker at the last epoch stays readable.
    const rightHalf = sx(marker.x) > left + plotWidth / 2;
    parts.push(svgText(sx(marker.x) + (rightHalf ? -4 : 4), top + plotHeight - 8, marker.label, { size: 11, fill: "#555", anchor: rightHalf ? "end" : "start" }));
  }
  for (const series of chart.series) {
    const points = series.points.filter(([, value]) => Number.isFinite(value));
    if (points.length === 0) continue;
    const path = points.map(([px, py], k) => `${k === 0 ? "M" : "L"}${n(sx(px))},${n(sy(py))}`).join(" ");
    parts.push(`<path d="${path}" fill="none" stroke="${series.colour}" stroke-width="2"${series.dashed ? ` stroke-dasharray="6 4"` : ""}/>`);
    for (const [px, py] of points) parts.push(`<circle cx="${n(sx(px))}" cy="${n(sy(py))}" r="3" fill="${series.colour}"><title>${escapeXml(`${series.name}, epoch ${px}: ${formatY(py)}`)}</title></circle>`);
  }
  // Legend in one row between the title and the plot, where it cannot cover a line.
  chart.series.forEach((series, k) => {
    const ly = chart.y + 34;
    const lx = left + k * 120;
    parts.push(svgLine(lx, ly, lx + 22, ly, series.colour, 2, series.dashed ? "6 4" : undefined));
    parts.push(svgText(lx + 28, ly + 4, series.name, { size: 11 }));
  });
  return `<g>${parts.join("")}</g>`;
}
