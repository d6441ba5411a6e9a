// The attempts of a campaign: virtualised (only visible rows are in the DOM), filtered and sorted on the main side,
// loaded 500 at a time as it scrolls; exported as CSV with the current filter.
import { useState } from 'react';
import { App, Button, Checkbox, Select, Space, Table, Tag, Typography } from 'antd';
import type { AttemptRowWire } from '../../../../electron/ipc/contract';
import { useReportsStore, type Sort } from '../../stores/reports-store';
import { useT } from '../../i18n';
import { OUTCOME_ORDER } from '../../components/timeline/timeline-model';
import { exportCsv } from './csv-export';

export function AttemptsTable({ openAtServerMs }: { openAtServerMs: number }) {
  const t = useT();
  const { message } = App.useApp();
  const rows = useReportsStore((state) => state.rows);
  const total = useReportsStore((state) => state.total);
  const loading = useReportsStore((state) => state.loadingRows);
  const filter = useReportsStore((state) => state.filter);
  const drillLabel = useReportsStore((state) => state.drillLabel);
  const campaignId = useReportsStore((state) => state.campaignId);
  const setFilter = useReportsStore((state) => state.setFilter);
  const setSort = useReportsStore((state) => state.setSort);
  const loadMore = useReportsStore((state) => state.loadMoreRows);
  const [bom, setBom] = useState(false);
  return (
    <>
      <Space wrap style={{ marginBottom: 8 }}>
        <Select
          mode="multiple"
          allowClear
          style={{ minWidth: 280 }}
          placeholder={t('reports.filterOutcomes')}
          aria-label={t('reports.filterOutcomes')}
          value={filter.outcomes ?? []}
          data-testid="attempts-outcome-filter"
          onChange={(outcomes) =>
            setFilter({ ...filter, outcomes: outcomes.length > 0 ? outcomes : undefined }, drillLabel)
          }
          options={OUTCOME_ORDER.map((outcome) => ({ value: outcome, label: t(`outcome.${outcome}`) }))}
        />
        {drillLabel && (
          <Tag closable onClose={() => setFilter({})} color="blue" data-testid="drill-tag">
            {drillLabel}
          </Tag>
        )}
        <Typography.Text data-testid="attempts-total">{t('reports.total', { count: total })}</Typography.Text>
        <Checkbox checked={bom} onChange={(event) => setBom(event.target.checked)}>
          {t('reports.bom')}
        </Checkbox>
        <Button
          data-testid="export-attempts"
          disabled={!campaignId}
          onClick={() =>
            void exportCsv('attempts', campaignId!, filter, bom)
              .then((name) => {
                if (name) void message.success(t('reports.exported', { name }));
              })
              .catch((error: Error) => {
                void message.error(error.message);
              })
          }
        >
          {t('reports.exportAttempts')}
        </Button>
      </Space>
      <Table<AttemptRowWire>
        data-testid="attempts-table"
        virtual
        size="small"
        rowKey="id"
        loading={loading && rows.length === 0}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 1100, y: 420 }}
        onScroll={(event) => {
          const target = event.currentTarget as HTMLElement;
          if (target.scrollTop + target.clientHeight > target.scrollHeight - 200) void loadMore();
        }}
        onChange={(_pagination, _filters, sorter) => {
          const one = Array.isArray(sorter) ? sorter[0] : sorter;
          if (!one?.order || !one.columnKey) setSort({ field: 'id', order: 'asc' });
          else setSort({ field: one.columnKey as Sort['field'], order: one.order === 'descend' ? 'desc' : 'asc' });
        }}
        columns={[
          { key: 'id', title: '#', dataIndex: 'id', width: 90, sorter: true },
          { key: 'accountId', title: t('accounts.username'), dataIndex: 'username', width: 150, sorter: true },
          { key: 'endpoint', title: t('reports.endpoint'), dataIndex: 'endpoint', width: 190, sorter: true },
          { key: 'retry', title: t('reports.retry'), dataIndex: 'retry', width: 70, sorter: true },
          {
            key: 'sentServerMs',
            title: t('reports.fireOffset'),
            width: 110,
            sorter: true,
            render: (_, row) =>
              row.sentServerMs === null ? '—' : `${(row.sentServerMs - openAtServerMs).toFixed(1)} ms`,
          },
          {
            key: 'latencyMs',
            title: t('reports.latency'),
            width: 100,
            sorter: true,
            render: (_, row) => (row.latencyMs === null ? '—' : `${row.latencyMs.toFixed(1)} ms`),
          },
          {
            key: 'outcome',
            title: t('reports.outcome'),
            dataIndex: 'outcome',
            width: 130,
            sorter: true,
            render: (o: string) => t(`outcome.${o as 'success'}`),
          },
          { title: 'HTTP', dataIndex: 'httpStatus', width: 70 },
          { title: t('reports.errorCode'), dataIndex: 'errorCode', width: 140 },
          { title: t('reports.order'), dataIndex: 'orderId', width: 140 },
        ]}
      />
    </>
  );
}
