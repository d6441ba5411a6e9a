// The clock: the engine's offset to the target's server time with its error bound, drift, last sync, the samples
// per source over time with their error bars, and "sync now" against the built-in simulator.
import { useEffect } from 'react';
import { Alert, Button, Card, Descriptions, Space, Typography } from 'antd';
import { useClockStore } from '../../stores/clock-store';
import { useSimStore } from '../../stores/sim-store';
import { useT } from '../../i18n';
import { OffsetChart } from './offset-chart';

export function ClockPage() {
  const t = useT();
  const status = useClockStore((state) => state.status);
  const loading = useClockStore((state) => state.loading);
  const error = useClockStore((state) => state.error);
  const refresh = useClockStore((state) => state.refresh);
  const syncNow = useClockStore((state) => state.syncNow);
  const sim = useSimStore((state) => state.status);
  useEffect(() => void refresh(), [refresh]);
  const combined = status?.last?.combined ?? null;
  const simUrl = sim?.running ? (sim.nodes[0] ?? null) : null;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="clock-page">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('nav.clock')}
      </Typography.Title>
      <Space>
        <Button
          type="primary"
          loading={loading}
          disabled={!simUrl}
          data-testid="clock-sync"
          onClick={() => simUrl && void syncNow(`${simUrl}/api/time`)}
        >
          {t('clock.syncNow')}
        </Button>
        {!simUrl && <Typography.Text type="secondary">{t('clock.syncNeedsSim')}</Typography.Text>}
      </Space>
      {error && <Alert type="error" showIcon title={error} />}
      <Descriptions bordered size="small" column={2} data-testid="clock-summary">
        <Descriptions.Item label={t('clock.offset')}>
          {status?.current
            ? `${status.current.offsetMs.toFixed(2)} ± ${status.current.boundMs.toFixed(2)} ms`
            : t('clock.never')}
        </Descriptions.Item>
        <Descriptions.Item label={t('clock.lastSync')}>
          {status?.current ? t('clock.ago', { seconds: (status.current.ageMs / 1_000).toFixed(1) }) : t('clock.never')}
        </Descriptions.Item>
        <Descriptions.Item label={t('clock.drift')}>
          {combined?.driftPpm !== null && combined?.driftPpm !== undefined
            ? `${combined.driftPpm.toFixed(1)} ppm`
            : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('clock.sources')}>
          {status?.last?.sources.map((s) => `${s.id}${s.falseticker ? ' ✗' : ''}`).join(', ') ?? '—'}
        </Descriptions.Item>
      </Descriptions>
      <Card size="small" title={t('clock.chart')}>
        <OffsetChart samples={status?.samples ?? []} />
      </Card>
    </Space>
  );
}
