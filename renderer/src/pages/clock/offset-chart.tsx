// Offset samples over time, one colour per source, each with its error bar (± bound), and the combined estimate as
// a line. Canvas; redrawn when the samples change.
import { useEffect, useRef } from 'react';
import { theme } from 'antd';
import type { ClockStatus } from '../../../../electron/ipc/contract';

const PALETTE = ['#3b7dd8', '#e8a33d', '#8c5cd6', '#2e9d4d', '#d9534f', '#17a2b8'];

export function OffsetChart({ samples, height = 320 }: { samples: ClockStatus['samples']; height?: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const { token } = theme.useToken();
  useEffect(() => {
    const canvas = ref.current!;
    const width = canvas.parentElement!.clientWidth;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext('2d')!;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = token.colorTextSecondary;
    if (samples.length === 0) return;
    const pad = { left: 64, right: 12, top: 12, bottom: 24 };
    const t0 = Math.min(...samples.map((s) => s.takenAtLocalMs));
    const t1 = Math.max(...samples.map((s) => s.takenAtLocalMs), t0 + 1_000);
    const lo = Math.min(...samples.map((s) => s.offsetMs - s.boundMs));
    const hi = Math.max(...samples.map((s) => s.offsetMs + s.boundMs), lo + 1);
    const x = (ms: number): number => pad.left + ((ms - t0) / (t1 - t0)) * (width - pad.left - pad.right);
    const y = (ms: number): number => pad.top + (1 - (ms - lo) / (hi - lo)) * (height - pad.top - pad.bottom);
    for (let i = 0; i <= 4; i += 1) {
      const value = lo + ((hi - lo) * i) / 4;
      ctx.fillText(`${value.toFixed(1)} ms`, 4, y(value) + 4);
      ctx.globalAlpha = 0.25;
      ctx.fillRect(pad.left, Math.round(y(value)), width - pad.left - pad.right, 1);
      ctx.globalAlpha = 1;
    }
    const sources = [...new Set(samples.map((s) => s.source))];
    for (const sample of samples) {
      const colour =
        sample.kind === 'combined' ? token.colorText : PALETTE[sources.indexOf(sample.source) % PALETTE.length]!;
      ctx.strokeStyle = colour;
      ctx.fillStyle = colour;
      const px = x(sample.takenAtLocalMs);
      ctx.beginPath();
      ctx.moveTo(px, y(sample.offsetMs - sample.boundMs));
      ctx.lineTo(px, y(sample.offsetMs + sample.boundMs));
      ctx.stroke();
      ctx.fillRect(px - 2, y(sample.offsetMs) - 2, 4, 4);
    }
    const combined = samples.filter((s) => s.kind === 'combined').sort((a, b) => a.takenAtLocalMs - b.takenAtLocalMs);
    if (combined.length > 1) {
      ctx.strokeStyle = token.colorText;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      combined.forEach((s, i) =>
        i === 0 ? ctx.moveTo(x(s.takenAtLocalMs), y(s.offsetMs)) : ctx.lineTo(x(s.takenAtLocalMs), y(s.offsetMs)),
      );
      ctx.stroke();
    }
    ctx.fillStyle = token.colorTextSecondary;
    let legendX = pad.left + 8;
    sources.forEach((source, i) => {
      ctx.fillStyle = source === 'combined' ? token.colorText : PALETTE[i % PALETTE.length]!;
      ctx.fillText(source, legendX, height - 6);
      legendX += ctx.measureText(source).width + 24;
    });
  }, [samples, height, token]);
  return (
    <div style={{ width: '100%' }}>
      <canvas ref={ref} data-testid="offset-chart" />
    </div>
  );
}
