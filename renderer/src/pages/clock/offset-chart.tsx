// Offset samples over time (ECharts): per source a series of points with error bars (± bound), the combined
// estimate as a line; a time axis in the operator's local time (the samples are read on the local clock), tooltips,
// a legend that hides a source, zoom (wheel, drag, the slider) and PNG export. Without samples it says what to do.
import { useMemo } from 'react';
import { Empty } from 'antd';
import type { ClockStatus } from '../../../../electron/ipc/contract';
import { EChart, chartToolbox, type ChartOption } from '../../components/charts/echart';
import { useT } from '../../i18n';

type Sample = ClockStatus['samples'][number];

const PALETTE = ['#3b7dd8', '#e8a33d', '#8c5cd6', '#2e9d4d', '#d9534f', '#17a2b8'];
const localTime = (ms: number): string =>
  new Date(ms).toLocaleTimeString('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
    fractionalSecondDigits: 3,
  });

/** Sources in the order they first appear, the combined estimate apart. */
export function sourcesOf(samples: Sample[]): string[] {
  return [...new Set(samples.filter((s) => s.kind !== 'combined').map((s) => s.source))];
}

export function OffsetChart({ samples, height = 340 }: { samples: Sample[]; height?: number }) {
  const t = useT();
  const option = useMemo((): ChartOption => {
    const sources = sourcesOf(samples);
    const combined = samples.filter((s) => s.kind === 'combined').sort((a, b) => a.takenAtLocalMs - b.takenAtLocalMs);
    const point = (s: Sample) => [s.takenAtLocalMs, s.offsetMs, s.offsetMs - s.boundMs, s.offsetMs + s.boundMs];
    const series: object[] = [];
    sources.forEach((source, i) => {
      const colour = PALETTE[i % PALETTE.length]!;
      const data = samples.filter((s) => s.source === source && s.kind !== 'combined').map(point);
      series.push({ name: source, type: 'scatter', symbolSize: 6, itemStyle: { color: colour }, data });
      series.push({
        name: source,
        type: 'custom',
        itemStyle: { color: colour },
        encode: { x: 0, y: [2, 3] },
        tooltip: { show: false },
        renderItem: (
          _params: unknown,
          api: { value(i: number): number; coord(p: number[]): number[]; style(): object },
        ) => {
          const top = api.coord([api.value(0), api.value(3)]);
          const bottom = api.coord([api.value(0), api.value(2)]);
          const style = { stroke: colour, lineWidth: 1 };
          return {
            type: 'group',
            children: [
              { type: 'line', shape: { x1: top[0], y1: top[1], x2: bottom[0], y2: bottom[1] }, style },
              { type: 'line', shape: { x1: top[0]! - 3, y1: top[1], x2: top[0]! + 3, y2: top[1] }, style },
              { type: 'line', shape: { x1: bottom[0]! - 3, y1: bottom[1], x2: bottom[0]! + 3, y2: bottom[1] }, style },
            ],
          };
        },
        data,
      });
    });
    if (combined.length > 0)
      series.push({
        name: t('clock.combined'),
        type: 'line',
        showSymbol: combined.length < 50,
        lineStyle: { width: 2 },
        itemStyle: { color: '#555' },
        data: combined.map(point),
      });
    return {
      grid: { left: 80, right: 24, top: 48, bottom: 72 },
      legend: { top: 4, left: 8, type: 'scroll', right: 90 },
      toolbox: chartToolbox('tminus-clock-offset', { save: t('chart.savePng'), reset: t('chart.resetZoom') }, true),
      tooltip: {
        trigger: 'item',
        formatter: (params: { seriesName: string; value: number[] }) =>
          `<b>${params.seriesName}</b><br/>${localTime(params.value[0]!)}<br/>` +
          t('clock.sampleTooltip', {
            offset: params.value[1]!.toFixed(2),
            bound: ((params.value[3]! - params.value[2]!) / 2).toFixed(2),
          }),
      },
      xAxis: {
        type: 'time',
        name: t('clock.axisLocalTime'),
        nameLocation: 'middle',
        nameGap: 28,
        axisLabel: { formatter: (ms: number) => localTime(ms).slice(0, 8), hideOverlap: true },
      },
      yAxis: {
        type: 'value',
        name: t('clock.axisOffset'),
        nameLocation: 'middle',
        nameGap: 58,
        scale: true,
        axisLabel: { formatter: (ms: number) => `${ms.toFixed(1)} ms` },
      },
      dataZoom: [
        { type: 'inside', xAxisIndex: 0 },
        { type: 'slider', xAxisIndex: 0, height: 16, bottom: 8 },
      ],
      series,
    };
  }, [samples, t]);
  if (samples.length === 0)
    return <Empty data-testid="offset-chart-empty" description={t('clock.chartEmpty')} style={{ padding: 24 }} />;
  return <EChart option={option} height={height} testId="offset-chart" label={t('clock.chart')} />;
}
