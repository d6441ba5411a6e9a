// A histogram of a campaign's attempts over one numeric dimension (latency, fire offset): per bucket, successes and
// the other attempts stacked (ECharts, with tooltips, zoom and PNG export).
import { useMemo } from 'react';
import { Empty } from 'antd';
import type { AttributionRowWire } from '../../../../electron/ipc/contract';
import { EChart, chartToolbox, type ChartOption } from '../../components/charts/echart';
import { useT } from '../../i18n';

export function DistributionChart({
  rows,
  name,
  title,
  axisName,
}: {
  rows: AttributionRowWire[];
  name: string;
  title: string;
  axisName: string;
}) {
  const t = useT();
  const option = useMemo(
    (): ChartOption => ({
      grid: { left: 64, right: 16, top: 40, bottom: 64 },
      legend: { top: 4, left: 8 },
      toolbox: chartToolbox(name, { save: t('chart.savePng'), reset: t('chart.resetZoom') }, true),
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: {
        type: 'category',
        name: axisName,
        nameLocation: 'middle',
        nameGap: 30,
        data: rows.map((row) => row.bucket),
        axisLabel: { hideOverlap: true },
      },
      yAxis: { type: 'value', name: t('reports.attemptsAxis'), nameLocation: 'middle', nameGap: 40, minInterval: 1 },
      dataZoom: [{ type: 'inside' }],
      series: [
        {
          name: t('outcome.success'),
          type: 'bar',
          stack: 'attempts',
          itemStyle: { color: '#2e9d4d' },
          data: rows.map((row) => row.successes),
        },
        {
          name: t('reports.otherOutcomes'),
          type: 'bar',
          stack: 'attempts',
          itemStyle: { color: '#9aa4b2' },
          data: rows.map((row) => row.attempts - row.successes),
        },
      ],
    }),
    [rows, name, axisName, t],
  );
  if (rows.length === 0) return <Empty description={t('reports.noAttempts')} />;
  return <EChart option={option} height={260} testId={`${name}-chart`} label={title} />;
}
