// One attribution as a chart and a table: each bucket's success rate as a bar (ECharts: every bucket shown, tooltips,
// PNG export), and below it the buckets with their successes and attempts, each a button that drills into the
// attempts behind it (a click on a bar does the same).
import { useMemo } from 'react';
import { Button, Empty, Space, Table, Typography } from 'antd';
import type { AttributionRowWire } from '../../../../electron/ipc/contract';
import { EChart, chartToolbox, type ChartOption } from '../../components/charts/echart';
import { useT } from '../../i18n';

const SHOWN = 200;

export function AttributionBars({
  rows,
  onDrill,
  testId,
  title,
}: {
  rows: AttributionRowWire[];
  onDrill: (row: AttributionRowWire) => void;
  testId: string;
  title: string;
}) {
  const t = useT();
  const top = useMemo(() => rows.slice(0, SHOWN), [rows]);
  const option = useMemo(
    (): ChartOption => ({
      grid: { left: 8, right: 90, top: 30, bottom: 8, containLabel: true },
      toolbox: chartToolbox(`tminus-attribution`, { save: t('chart.savePng'), reset: t('chart.resetZoom') }, false),
      tooltip: {
        trigger: 'item',
        formatter: (params: { dataIndex: number }) => {
          const row = top[params.dataIndex]!;
          return `<b>${row.bucket}</b><br/>${t('reports.rateTooltip', {
            rate: (row.successRate * 100).toFixed(1),
            successes: row.successes,
            attempts: row.attempts,
          })}`;
        },
      },
      xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      yAxis: { type: 'category', inverse: true, data: top.map((row) => row.bucket), axisLabel: { width: 160 } },
      series: [
        {
          type: 'bar',
          barMaxWidth: 16,
          itemStyle: { color: '#2e9d4d' },
          label: {
            show: true,
            position: 'right',
            formatter: (params: { dataIndex: number }) => {
              const row = top[params.dataIndex]!;
              return `${(row.successRate * 100).toFixed(1)}% · ${row.successes}/${row.attempts}`;
            },
          },
          data: top.map((row) => Number((row.successRate * 100).toFixed(2))),
        },
      ],
    }),
    [top, t],
  );
  if (rows.length === 0) return <Empty description={t('reports.noAttempts')} />;
  return (
    <div data-testid={testId}>
      <EChart
        option={option}
        height={Math.max(140, top.length * 24 + 50)}
        testId={`${testId}-chart`}
        label={title}
        onClick={({ dataIndex }) => top[dataIndex] && onDrill(top[dataIndex])}
      />
      <Table
        size="small"
        rowKey={(row) => String(row.key)}
        pagination={false}
        dataSource={top}
        columns={[
          {
            title: t('reports.bucket'),
            render: (_, row) => (
              <Button type="link" size="small" data-testid="attribution-bar" onClick={() => onDrill(row)}>
                {row.bucket}
              </Button>
            ),
          },
          {
            title: t('reports.successRate'),
            align: 'right',
            render: (_, row) => `${(row.successRate * 100).toFixed(1)}%`,
          },
          {
            title: t('reports.successesOfAttempts'),
            align: 'right',
            render: (_, row) => `${row.successes}/${row.attempts}`,
          },
        ]}
      />
      {rows.length > top.length && (
        <Space style={{ marginTop: 8 }}>
          <Typography.Text type="secondary">{t('reports.more', { count: rows.length - top.length })}</Typography.Text>
        </Space>
      )}
    </div>
  );
}
