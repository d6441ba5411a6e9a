// The built-in simulator on the Dashboard: start and stop it, and see its nodes, NTP port and items with their open
// instants on the *server's* clock.
import { Alert, Button, Card, Descriptions, Space, Table, Tag, Typography } from 'antd';
import { useSimStore } from '../../stores/sim-store';
import { useT } from '../../i18n';
import { useNow } from '../../components/use-now';
import { Instant } from '../../components/instant';
import { useTargetListStore } from '../../stores/target-list-store';

export function SimulatorCard() {
  const t = useT();
  const status = useSimStore((state) => state.status);
  const receivedAtMs = useSimStore((state) => state.receivedAtMs);
  const busy = useSimStore((state) => state.busy);
  const error = useSimStore((state) => state.error);
  const start = useSimStore((state) => state.start);
  const stop = useSimStore((state) => state.stop);
  const now = useNow(250);
  const running = status?.running === true;
  const simZone = useTargetListStore((state) => state.targets.find((x) => x.id === 'simulator')?.timeZone ?? 'UTC');
  const serverNowMs = status?.nowServerMs != null ? status.nowServerMs + (now - receivedAtMs) : null;

  return (
    <Card
      data-testid="simulator-card"
      title={
        <Space>
          {t('sim.title')}
          <Tag>{t('sim.targetId')}: simulator</Tag>
          <Tag color={running ? 'green' : 'default'} data-testid="sim-running">
            {t(running ? 'sim.running' : 'sim.stopped')}
          </Tag>
        </Space>
      }
      extra={
        running ? (
          <Button danger onClick={() => void stop()} loading={busy} data-testid="sim-stop">
            {t('sim.stop')}
          </Button>
        ) : (
          <Button type="primary" onClick={() => void start('default')} loading={busy} data-testid="sim-start">
            {t('sim.start')}
          </Button>
        )
      }
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      {!running && <Typography.Paragraph type="secondary">{t('sim.intro')}</Typography.Paragraph>}
      {running && status && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('sim.scenario')}>{status.scenario}</Descriptions.Item>
            <Descriptions.Item label={t('sim.nodes')}>
              <span data-testid="sim-nodes">{status.nodes.join('  ')}</span>
            </Descriptions.Item>
            <Descriptions.Item label="NTP">
              {status.ntpPort !== null ? `udp://127.0.0.1:${status.ntpPort}` : '—'}
            </Descriptions.Item>
            <Descriptions.Item
              label={t('sim.skew')}
            >{`${status.serverSkewMs >= 0 ? '+' : ''}${status.serverSkewMs} ms`}</Descriptions.Item>
            <Descriptions.Item label={t('sim.accounts')}>{status.accounts}</Descriptions.Item>
          </Descriptions>
          <Table
            data-testid="sim-items"
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={status.items}
            columns={[
              { title: t('sim.item'), dataIndex: 'id' },
              { title: t('sim.itemName'), dataIndex: 'name' },
              {
                title: t('sim.stock'),
                render: (_, item) => `${item.remaining} / ${item.stock}`,
              },
              {
                title: t('sim.opensAt'),
                render: (_, item) => <Instant ms={item.openAtServerMs} zone={simZone} precision="second" />,
              },
              {
                title: t('sim.opensIn'),
                render: (_, item) => {
                  if (serverNowMs === null) return '—';
                  const inMs = item.openAtServerMs - serverNowMs;
                  return inMs <= 0 ? <Tag color="green">{t('sim.open')}</Tag> : `${(inMs / 1000).toFixed(1)} s`;
                },
              },
            ]}
          />
        </Space>
      )}
    </Card>
  );
}
