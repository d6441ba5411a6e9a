// Reports: success-rate attribution of a campaign by one dimension (side by side with a second campaign when asked),
// drill from a bar into its attempts, the target's observed vs nominal open instants with the lead they suggest,
// and CSV exports.
import { useEffect, useMemo } from 'react';
import { App, Button, Card, Col, Empty, Row, Segmented, Select, Space, Table, Typography } from 'antd';
import type { DimensionWire } from '../../../../electron/ipc/contract';
import { useCampaignsStore } from '../../stores/campaigns-store';
import { useReportsStore } from '../../stores/reports-store';
import { useT, type MessageKey } from '../../i18n';
import { formatZoned } from '../../components/zoned-time';
import { Instant } from '../../components/instant';
import { AttributionBars } from './attribution-bars';
import { DistributionChart } from './distribution-chart';
import type { AttributionRowWire } from '../../../../electron/ipc/contract';
import { AttemptsTable } from './attempts-table';
import { drillFilter } from './drill-filter';
import { exportCsv } from './csv-export';
import { DIMENSIONS } from '../../../../electron/common/attribution-buckets';

export function ReportsPage() {
  const t = useT();
  const { message } = App.useApp();
  const campaigns = useCampaignsStore((state) => state.campaigns);
  const state = useReportsStore();
  const campaign = useMemo(
    () => campaigns.find((c) => c.id === state.campaignId) ?? null,
    [campaigns, state.campaignId],
  );
  const compare = useMemo(() => campaigns.find((c) => c.id === state.compareId) ?? null, [campaigns, state.compareId]);

  useEffect(() => {
    if (!state.campaignId && campaigns[0]) state.setCampaign(campaigns[0].id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [campaigns]);
  useEffect(() => {
    if (campaign) void state.loadHistory(campaign.targetId);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [campaign?.targetId]);
  useEffect(() => {
    // A campaign still running: its attribution follows it.
    if (campaign?.state !== 'firing' && campaign?.state !== 'armed') return;
    const timer = setInterval(() => void state.loadAttribution(), 2_000);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [campaign?.state]);

  /** Bucket names the console says in its own language (the main side names them in English, as in CSV). */
  const localised = (rows: AttributionRowWire[]): AttributionRowWire[] =>
    rows.map((row) => {
      const { dimension } = state;
      if (dimension === 'outcome') return { ...row, bucket: t(`outcome.${row.key as 'success'}`) };
      if (dimension === 'retry')
        return {
          ...row,
          bucket:
            row.key === 0 ? t('reports.firstAttempt') : t('reports.retryN', { n: row.bucket.replace(/^retry /, '') }),
        };
      if (row.key === null && dimension === 'latency') return { ...row, bucket: t('reports.noAnswer') };
      if (row.key === null && dimension === 'captchaConfidence') return { ...row, bucket: t('reports.noCaptcha') };
      return row;
    });
  const options = campaigns.map((c) => ({
    value: c.id,
    label: `${c.name} · ${formatZoned(c.openAtServerMs, c.timeZone).slice(0, 16)}`,
  }));
  if (campaigns.length === 0)
    return (
      <>
        <Typography.Title level={3}>{t('nav.reports')}</Typography.Title>
        <Empty description={t('reports.empty')} />
      </>
    );
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="reports-page">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('nav.reports')}
      </Typography.Title>
      <Space wrap>
        <Select
          style={{ minWidth: 320 }}
          value={state.campaignId}
          options={options}
          onChange={state.setCampaign}
          aria-label={t('reports.campaign')}
          data-testid="reports-campaign"
        />
        <Select
          style={{ minWidth: 320 }}
          allowClear
          placeholder={t('reports.compareWith')}
          aria-label={t('reports.compareWith')}
          data-testid="reports-compare"
          value={state.compareId}
          options={options.filter((o) => o.value !== state.campaignId)}
          onChange={(id) => state.setCompare(id ?? null)}
        />
        {(['summary', 'attribution'] as const).map((kind) => (
          <Button
            key={kind}
            disabled={!state.campaignId}
            onClick={() =>
              void exportCsv(kind, state.campaignId!, {}, false)
                .then((name) => {
                  if (name) void message.success(t('reports.exported', { name }));
                })
                .catch((error: Error) => {
                  void message.error(error.message);
                })
            }
          >
            {t(`reports.export.${kind}`)}
          </Button>
        ))}
      </Space>
      <Segmented
        value={state.dimension}
        onChange={(value) => state.setDimension(value as DimensionWire)}
        options={DIMENSIONS.map((d) => ({ value: d, label: t(`dimension.${d}` as MessageKey) }))}
        data-testid="reports-dimension"
      />
      <Row gutter={16}>
        <Col span={compare ? 12 : 24}>
          <Card size="small" title={campaign?.name ?? ''} data-testid="attribution-card">
            <AttributionBars
              testId="attribution"
              title={`${campaign?.name ?? ''}: ${t(`dimension.${state.dimension}` as MessageKey)}`}
              rows={localised(state.attribution)}
              onDrill={(row) =>
                state.setFilter(
                  drillFilter(state.dimension, row),
                  `${t(`dimension.${state.dimension}` as MessageKey)}: ${row.bucket}`,
                )
              }
            />
          </Card>
        </Col>
        {compare && (
          <Col span={12}>
            <Card size="small" title={compare.name}>
              <AttributionBars
                testId="attribution-compare"
                title={`${compare.name}: ${t(`dimension.${state.dimension}` as MessageKey)}`}
                rows={localised(state.compareAttribution)}
                onDrill={() => undefined}
              />
            </Card>
          </Col>
        )}
      </Row>
      <Card size="small" title={t('reports.distributions')}>
        <Row gutter={16}>
          <Col span={12}>
            <DistributionChart
              rows={state.distributions.latency}
              name="latency-histogram"
              title={t('reports.latencyHistogram')}
              axisName={t('reports.latencyHistogram')}
            />
          </Col>
          <Col span={12}>
            <DistributionChart
              rows={state.distributions.fireOffset}
              name="offset-histogram"
              title={t('reports.offsetHistogram')}
              axisName={t('reports.offsetHistogram')}
            />
          </Col>
        </Row>
      </Card>
      <Card size="small" title={t('reports.attempts')}>
        <AttemptsTable openAtServerMs={campaign?.openAtServerMs ?? 0} />
      </Card>
      {campaign && (
        <Card size="small" title={t('reports.history', { target: campaign.targetId })}>
          <Typography.Paragraph data-testid="suggested-lead">
            {state.history?.suggestedLeadMs !== null && state.history?.suggestedLeadMs !== undefined
              ? t('reports.suggestedLead', { lead: state.history.suggestedLeadMs })
              : (state.history?.campaigns.length ?? 0) > 0
                ? t('reports.noBracketedRun')
                : t('campaignForm.noHistory')}
          </Typography.Paragraph>
          <Table
            size="small"
            rowKey="campaignId"
            pagination={false}
            dataSource={state.history?.campaigns ?? []}
            columns={[
              { title: t('campaigns.name'), dataIndex: 'name' },
              { title: t('reports.nominal'), render: (_, row) => <Instant ms={row.openAtServerMs} zone={campaign.timeZone} /> },
              {
                title: t('reports.observed'),
                render: (_, row) => <Instant ms={row.observedOpenAtServerMs} zone={campaign.timeZone} />,
              },
              {
                title: t('reports.delta'),
                render: (_, row) => `${row.deltaMs >= 0 ? '+' : ''}${row.deltaMs.toFixed(1)} ms`,
              },
              {
                title: t('reports.usedForLead'),
                render: (_, row) =>
                  row.usable ? (
                    t('common.yes')
                  ) : (
                    <Typography.Text data-testid="history-unused">⚠ {t('reports.notBracketed')}</Typography.Text>
                  ),
              },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
