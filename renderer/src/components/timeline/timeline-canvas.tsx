// The live timeline: one named lane per account (or per endpoint), each attempt a bar from send to answer, coloured
// by outcome (overlapping bars stacked on the lane's tracks), with the open instant and the clock bound. Canvas,
// redrawn on the next animation frame only when the data or the view changed. Wheel zooms around the pointer,
// shift+wheel scrolls rows, drag pans, double-click or "Fit" fits the data (and follows new attempts again);
// hovering a bar shows the attempt.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Button, theme } from 'antd';
import { drawTimeline, formatRelative, type TimelineView } from './draw-timeline';
import { OUTCOME_ORDER, type RowMode, type TimelineModel } from './timeline-model';

export interface TimelineCanvasProps {
  model: TimelineModel;
  mode: RowMode;
  openAtMs: number;
  boundMs: number;
  height?: number;
  /** A lane's name (an account's username, an endpoint's URL). */
  rowLabel: (mode: RowMode, lane: number) => string;
  /** The "fit to the data" button's words. */
  fitLabel: string;
  renderTooltip?: (details: HoverDetails) => ReactNode;
}

export interface HoverDetails {
  index: number;
  row: string;
  attemptId: number;
  offsetMs: number;
  latencyMs: number;
  outcome: string;
  retry: number;
  x: number;
  y: number;
  /** Where the tooltip goes (kept inside the canvas). */
  left: number;
}

interface BenchProbe {
  frames: number;
  drawn: number;
  paintLatenciesMs: number[];
}

declare global {
  interface Window {
    /** Set by `tminus bench ipc`: the timeline counts its frames and the emit → paint delay of each attempt. */
    __tminusTimelineProbe?: BenchProbe;
  }
}

const AXIS_HEIGHT = 22;
const LABEL_WIDTH = 150;

/** The window that shows every attempt and the open instant, with a margin; at least 10 ms wide. */
export function fitWindow(model: TimelineModel, openAtMs: number): { fromMs: number; toMs: number } {
  const from = Math.min(Number.isFinite(model.minMs) ? model.minMs : openAtMs - 100, openAtMs);
  const to = Math.max(Number.isFinite(model.maxMs) ? model.maxMs : openAtMs + 400, openAtMs);
  const span = Math.max(10, to - from);
  return { fromMs: from - span * 0.04, toMs: to + span * 0.04 };
}

export function TimelineCanvas(props: TimelineCanvasProps) {
  const { token } = theme.useToken();
  const dark = token.colorBgBase !== '#fff' && token.colorBgBase.toLowerCase() !== '#ffffff';
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const propsRef = useRef(props);
  useEffect(() => {
    propsRef.current = props;
  });
  const view = useRef<TimelineView & { follow: boolean; width: number; dirty: boolean }>({
    startMs: props.openAtMs - 200,
    msPerPx: 1,
    firstRow: 0,
    rowHeight: 12,
    follow: true,
    width: 800,
    dirty: true,
  });
  const [hover, setHover] = useState<HoverDetails | null>(null);
  const hoverIndex = useRef(-1);
  const height = props.height ?? 420;

  useEffect(() => {
    const canvas = canvasRef.current!;
    const wrap = wrapRef.current!;
    const ctx = canvas.getContext('2d')!;
    let drawnVersion = -1;
    let drawnCount = 0;
    let frame = 0;
    const resize = (): void => {
      const ratio = window.devicePixelRatio || 1;
      view.current.width = Math.max(1, wrap.clientWidth - LABEL_WIDTH);
      canvas.width = Math.round(wrap.clientWidth * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.width = `${wrap.clientWidth}px`;
      canvas.style.height = `${height}px`;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      view.current.dirty = true;
    };
    const observer = new ResizeObserver(resize);
    observer.observe(wrap);
    resize();
    const fit = (): void => {
      const { model, openAtMs, mode } = propsRef.current;
      const v = view.current;
      const { fromMs, toMs } = fitWindow(model, openAtMs);
      v.startMs = fromMs;
      v.msPerPx = (toMs - fromMs) / Math.max(1, v.width);
      v.firstRow = 0;
      v.rowHeight = Math.max(2, Math.min(16, (height - AXIS_HEIGHT) / Math.max(1, model.layout(mode).total)));
    };
    const tick = (): void => {
      frame = requestAnimationFrame(tick);
      const { model, mode, openAtMs, boundMs, rowLabel } = propsRef.current;
      const v = view.current;
      if (model.version === drawnVersion && !v.dirty) return;
      if (v.follow) fit();
      const drawn = drawTimeline(ctx, model, v, {
        mode,
        openAtMs,
        boundMs,
        width: v.width + LABEL_WIDTH,
        height,
        axisHeight: AXIS_HEIGHT,
        labelWidth: LABEL_WIDTH,
        laneLabel: (lane) => rowLabel(mode, lane),
        dark,
        highlight: hoverIndex.current,
      });
      const probe = window.__tminusTimelineProbe;
      if (probe) {
        probe.frames += 1;
        probe.drawn = drawn;
        const now = Date.now();
        for (let i = drawnCount; i < model.count; i += 1) probe.paintLatenciesMs.push(now - model.sent[i]!);
      }
      // For tests and the curious: what is on the timeline, without reading pixels.
      wrap.dataset.attempts = String(model.count);
      let successes = 0;
      for (let i = 0; i < model.count; i += 1) if (model.outcome[i] === 0) successes += 1;
      wrap.dataset.successes = String(successes);
      wrap.dataset.drawn = String(drawn);
      wrap.dataset.lanes = String(model.rows(mode));
      wrap.dataset.rows = String(model.layout(mode).total);
      drawnCount = model.count;
      drawnVersion = model.version;
      v.dirty = false;
    };
    frame = requestAnimationFrame(tick);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
    };
  }, [height, dark]);

  useEffect(() => {
    view.current.dirty = true;
  }, [props.mode, props.openAtMs, props.boundMs, props.model]);

  const pointer = (event: React.MouseEvent | React.WheelEvent): { x: number; y: number } => {
    const rect = canvasRef.current!.getBoundingClientRect();
    return { x: event.clientX - rect.left - LABEL_WIDTH, y: event.clientY - rect.top };
  };

  const drag = useRef<{ x: number; y: number } | null>(null);

  return (
    <div ref={wrapRef} style={{ position: 'relative', width: '100%' }} data-testid="timeline">
      <canvas
        ref={canvasRef}
        data-testid="timeline-canvas"
        style={{ display: 'block', cursor: 'crosshair', borderRadius: 4 }}
        onWheel={(event) => {
          const v = view.current;
          v.follow = false;
          if (event.shiftKey) {
            v.firstRow = Math.max(0, v.firstRow + Math.sign(event.deltaY) * 3);
          } else {
            const { x } = pointer(event);
            const at = v.startMs + x * v.msPerPx;
            v.msPerPx = Math.max(0.01, v.msPerPx * (event.deltaY > 0 ? 1.25 : 0.8));
            v.startMs = at - x * v.msPerPx;
          }
          v.dirty = true;
        }}
        onMouseDown={(event) => {
          drag.current = pointer(event);
        }}
        onMouseUp={() => {
          drag.current = null;
        }}
        onMouseLeave={() => {
          drag.current = null;
          hoverIndex.current = -1;
          view.current.dirty = true;
          setHover(null);
        }}
        onDoubleClick={() => {
          view.current.follow = true;
          view.current.dirty = true;
        }}
        onMouseMove={(event) => {
          const v = view.current;
          const { x, y } = pointer(event);
          if (drag.current) {
            v.follow = false;
            v.startMs -= (x - drag.current.x) * v.msPerPx;
            v.firstRow = Math.max(0, v.firstRow - (y - drag.current.y) / v.rowHeight);
            drag.current = { x, y };
            v.dirty = true;
            return;
          }
          const { model, mode, openAtMs, rowLabel } = propsRef.current;
          if (y > height - AXIS_HEIGHT) return;
          if (x < 0) return;
          const drawnRow = Math.floor(v.firstRow + y / v.rowHeight);
          const index = model.hit(mode, drawnRow, v.startMs + x * v.msPerPx, 3 * v.msPerPx);
          if (index !== hoverIndex.current) {
            hoverIndex.current = index;
            v.dirty = true;
          }
          setHover(
            index < 0
              ? null
              : {
                  index,
                  row: rowLabel(mode, model.rowIndex(mode)[index]!),
                  attemptId: model.ids[index]!,
                  offsetMs: model.sent[index]! - openAtMs,
                  latencyMs: model.duration[index]!,
                  outcome: OUTCOME_ORDER[model.outcome[index]!]!,
                  retry: model.retries[index]!,
                  x,
                  y,
                  left: LABEL_WIDTH + Math.min(x + 12, (v.width || 400) - 240),
                },
          );
        }}
      />
      <Button
        size="small"
        data-testid="timeline-fit"
        style={{ position: 'absolute', top: 4, right: 4, zIndex: 1 }}
        onClick={() => {
          view.current.follow = true;
          view.current.dirty = true;
        }}
      >
        {props.fitLabel}
      </Button>
      {hover && (
        <div
          data-testid="timeline-tooltip"
          style={{
            position: 'absolute',
            left: hover.left,
            top: hover.y + 12,
            width: 228,
            pointerEvents: 'none',
            background: token.colorBgElevated,
            boxShadow: token.boxShadowSecondary,
            borderRadius: 6,
            padding: '6px 10px',
            fontSize: 12,
            zIndex: 2,
          }}
        >
          {props.renderTooltip ? (
            props.renderTooltip(hover)
          ) : (
            <>
              <div>
                <b>{hover.row}</b> · #{hover.attemptId}
              </div>
              <div>
                {formatRelative(Math.round(hover.offsetMs))} · {hover.latencyMs.toFixed(1)} ms · {hover.outcome} · retry{' '}
                {hover.retry}
              </div>
            </>
          )}
        </div>
      )}
    </div>
  );
}
