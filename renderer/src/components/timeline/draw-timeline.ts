// Draws the timeline on a 2D canvas: a band for the clock bound, a line at the open instant, relative time ticks,
// and every visible attempt as a bar coloured by outcome — one path per outcome, so 100,000 bars are a handful of
// fill calls. Pure: the view state comes in, pixels go out.
import { OUTCOME_COLOURS, OUTCOME_ORDER, type RowMode, type TimelineModel } from './timeline-model';

export interface TimelineView {
  /** Server-clock instant at the left edge, and milliseconds per pixel. */
  startMs: number;
  msPerPx: number;
  /** First visible row (fractional) and row height in CSS pixels. */
  firstRow: number;
  rowHeight: number;
}

export interface DrawOptions {
  mode: RowMode;
  openAtMs: number;
  boundMs: number;
  width: number;
  height: number;
  axisHeight: number;
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
  const { width, height, axisHeight } = options;
  const plotHeight = height - axisHeight;
  const x = (ms: number): number => (ms - view.startMs) / view.msPerPx;
  ctx.clearRect(0, 0, width, height);
  // The clock bound around the open instant: where the open instant may really be on our corrected clock.
  ctx.fillStyle = options.dark ? 'rgba(120,160,255,0.14)' : 'rgba(60,110,230,0.10)';
  const bandLeft = x(options.openAtMs - options.boundMs);
  ctx.fillRect(bandLeft, 0, Math.max(1, x(options.openAtMs + options.boundMs) - bandLeft), plotHeight);

  // Bars, culled to the visible rows and instants, one path per outcome.
  const paths = OUTCOME_ORDER.map(() => new Path2D());
  const rows = model.rowIndex(options.mode);
  const firstRow = Math.floor(view.firstRow);
  const lastRow = Math.ceil(view.firstRow + plotHeight / view.rowHeight);
  const barHeight = Math.max(1, view.rowHeight - (view.rowHeight > 4 ? 2 : 0));
  const leftMs = view.startMs;
  const rightMs = view.startMs + width * view.msPerPx;
  let drawn = 0;
  for (let i = 0; i < model.count; i += 1) {
    const row = rows[i]!;
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
      (rows[i]! - view.firstRow) * view.rowHeight - 1,
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
  return drawn;
}
