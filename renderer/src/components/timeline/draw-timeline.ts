// Draws the timeline on a 2D canvas: lane names in a gutter on the left (accounts or endpoints, a rule between
// lanes), a band for the clock bound, a line at the open instant, relative time ticks, and every visible attempt as
// a bar coloured by outcome on its lane's track — one path per outcome, so 100,000 bars are a handful of fill calls.
// Pure: the view state comes in, pixels go out.
import { OUTCOME_COLOURS, OUTCOME_ORDER, type RowMode, type TimelineModel } from './timeline-model';

export interface TimelineView {
  /** Server-clock instant at the left edge, and milliseconds per pixel. */
  startMs: number;
  msPerPx: number;
  /** First visible drawn row (a track of a lane; fractional) and row height in CSS pixels. */
  firstRow: number;
  rowHeight: number;
}

export interface DrawOptions {
  mode: RowMode;
  openAtMs: number;
  boundMs: number;
  /** The whole canvas; the plot is what is right of the label gutter and above the axis. */
  width: number;
  height: number;
  axisHeight: number;
  labelWidth: number;
  laneLabel: (lane: number) => string;
  dark: boolean;
  highlight: number;
}

const NICE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000];

export function tickStep(msPerPx: number): number {
  const target = msPerPx * 90; // about one tick per 90 px
  return NICE_STEPS.find((step) => step >= target) ?? NICE_STEPS.at(-1)!;
}

export const formatRelative = (ms: number): string => {
  if (ms === 0) return 'T';
  const sign = ms < 0 ? '−' : '+';
  const abs = Math.abs(ms);
  return abs >= 1_000 ? `T${sign}${(abs / 1_000).toFixed(abs % 1_000 === 0 ? 0 : 1)} s` : `T${sign}${abs} ms`;
};

export function drawTimeline(
  ctx: CanvasRenderingContext2D,
  model: TimelineModel,
  view: TimelineView,
  options: DrawOptions,
): number {
  const { height, axisHeight, labelWidth } = options;
  const width = options.width - labelWidth;
  const plotHeight = height - axisHeight;
  const x = (ms: number): number => (ms - view.startMs) / view.msPerPx;
  ctx.clearRect(0, 0, options.width, height);
  ctx.save();
  ctx.translate(labelWidth, 0);
  ctx.beginPath();
  ctx.rect(0, 0, width, height);
  ctx.clip();
  // The clock bound around the open instant: where the open instant may really be on our corrected clock.
  ctx.fillStyle = options.dark ? 'rgba(120,160,255,0.14)' : 'rgba(60,110,230,0.10)';
  const bandLeft = x(options.openAtMs - options.boundMs);
  ctx.fillRect(bandLeft, 0, Math.max(1, x(options.openAtMs + options.boundMs) - bandLeft), plotHeight);

  // Bars, culled to the visible rows and instants, one path per outcome.
  const paths = OUTCOME_ORDER.map(() => new Path2D());
  const rows = model.rowIndex(options.mode);
  const tracks = model.trackIndex(options.mode);
  const { top } = model.layout(options.mode);
  const firstRow = Math.floor(view.firstRow);
  const lastRow = Math.ceil(view.firstRow + plotHeight / view.rowHeight);
  const barHeight = Math.max(1, view.rowHeight - (view.rowHeight > 4 ? 2 : 0));
  const leftMs = view.startMs;
  const rightMs = view.startMs + width * view.msPerPx;
  let drawn = 0;
  for (let i = 0; i < model.count; i += 1) {
    const row = top[rows[i]!]! + tracks[i]!;
    if (row < firstRow || row > lastRow) continue;
    const start = model.sent[i]!;
    const end = start + model.duration[i]!;
    if (end < leftMs || start > rightMs) continue;
    const left = (start - leftMs) / view.msPerPx;
    const barWidth = Math.max(1, (end - start) / view.msPerPx);
    paths[model.outcome[i]!]!.rect(left, (row - view.firstRow) * view.rowHeight, barWidth, barHeight);
    drawn += 1;
  }
  OUTCOME_ORDER.forEach((outcome, index) => {
    ctx.fillStyle = OUTCOME_COLOURS[outcome];
    ctx.fill(paths[index]!);
  });
  if (options.highlight >= 0 && options.highlight < model.count) {
    const i = options.highlight;
    ctx.strokeStyle = options.dark ? '#fff' : '#000';
    ctx.lineWidth = 1.5;
    ctx.strokeRect(
      x(model.sent[i]!) - 1,
      (top[rows[i]!]! + tracks[i]! - view.firstRow) * view.rowHeight - 1,
      Math.max(1, model.duration[i]! / view.msPerPx) + 2,
      barHeight + 2,
    );
  }

  // The open instant and the axis.
  ctx.strokeStyle = '#e03131';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(Math.round(x(options.openAtMs)) + 0.5, 0);
  ctx.lineTo(Math.round(x(options.openAtMs)) + 0.5, plotHeight);
  ctx.stroke();
  ctx.fillStyle = options.dark ? '#1f1f1f' : '#fafafa';
  ctx.fillRect(0, plotHeight, width, axisHeight);
  ctx.fillStyle = options.dark ? '#ccc' : '#444';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  const step = tickStep(view.msPerPx);
  const firstTick = Math.ceil((leftMs - options.openAtMs) / step) * step;
  for (let tick = firstTick; options.openAtMs + tick <= rightMs; tick += step) {
    const px = x(options.openAtMs + tick);
    ctx.fillRect(Math.round(px), plotHeight, 1, 4);
    ctx.fillText(formatRelative(tick), px, plotHeight + 15);
  }
  ctx.restore();
  drawLaneLabels(ctx, top, view, options, plotHeight);
  return drawn;
}

/** Lane names in the gutter, each at the top of its lane, with a rule across the plot between lanes. */
function drawLaneLabels(
  ctx: CanvasRenderingContext2D,
  top: Int32Array,
  view: TimelineView,
  options: DrawOptions,
  plotHeight: number,
): void {
  const { labelWidth, dark } = options;
  ctx.fillStyle = dark ? '#1f1f1f' : '#fafafa';
  ctx.fillRect(0, 0, labelWidth, plotHeight);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  const lanes = top.length - 1;
  let lastLabelBottom = Number.NEGATIVE_INFINITY;
  for (let lane = 0; lane < lanes; lane += 1) {
    const y0 = (top[lane]! - view.firstRow) * view.rowHeight;
    const y1 = (top[lane + 1]! - view.firstRow) * view.rowHeight;
    if (y1 < 0) continue;
    if (y0 > plotHeight) break;
    if (lane > 0 && y1 - y0 >= 3) {
      ctx.fillStyle = dark ? 'rgba(255,255,255,0.12)' : 'rgba(0,0,0,0.10)';
      ctx.fillRect(0, Math.round(y0), options.width, 1);
    }
    // A name where there is room for it: lanes thinner than the text share it with their neighbours.
    const middle = Math.max(6, Math.min(plotHeight - 6, y0 + Math.min(y1 - y0, 14) / 2));
    if (middle - 6 < lastLabelBottom) continue;
    ctx.fillStyle = dark ? '#ccc' : '#444';
    ctx.fillText(fitText(ctx, options.laneLabel(lane), labelWidth - 8), 4, middle);
    lastLabelBottom = middle + 6;
  }
  ctx.textBaseline = 'alphabetic';
}

/** `text` cut with an ellipsis to `maxWidth` pixels. */
function fitText(ctx: CanvasRenderingContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  let cut = text.length;
  while (cut > 1 && ctx.measureText(`${text.slice(0, cut)}…`).width > maxWidth) cut -= 1;
  return `${text.slice(0, cut)}…`;
}
