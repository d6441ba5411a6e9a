// The cluster in Settings: whether this console joined one (`tminus serve --cluster`, the desktop app's --cluster, or
// the form here), and every node it sees — live or isolated, what each holds, its clock offset to the target ± bound,
// its round trip, its shots. Joined here, it can be left here (not while a cluster campaign runs through it).
import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Form, Input, Space, Table, Tag, Typography } from 'antd';
import type { ClusterStatusWire } from '../../../../electron/ipc/contract';
import { api } from '../../api';
import { useT } from '../../i18n';

type NodeRow = ClusterStatusWire['nodes'][number];

const REFRESH_MS = 2_000;

export function ClusterCard() {
  const t = useT();
  const [status, setStatus] = useState<ClusterStatusWire | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const load = (): void => {
      void api
        .invoke('cluster/status', {})
        .then((next) => live && setStatus(next))
        .catch(() => undefined);
    };
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  const change = useCallback((work: () => Promise<ClusterStatusWire>) => {
    setBusy(true);
    setError(null);
    work()
      .then(setStatus)
      .catch((failure: Error) => setError(failure.message))
      .finally(() => setBusy(false));
  }, []);
  const columns = [
    { title: t('cluster.col.name'), dataIndex: 'name', key: 'name' },
    { title: t('cluster.col.node'), dataIndex: 'nodeId', key: 'nodeId' },
    {
      title: t('cluster.col.health'),
      key: 'health',
      render: (_: unknown, node: NodeRow) => (
        <Tag color={node.health === 'live' ? 'green' : 'red'}>{t(`cluster.health.${node.health}`)}</Tag>
      ),
    },
    {
      title: t('cluster.col.lastSeen'),
      key: 'lastSeen',
      render: (_: unknown, node: NodeRow) => t('cluster.lastSeen', { seconds: (node.lastSeenAgoMs / 1000).toFixed(1) }),
    },
    { title: t('cluster.col.accounts'), dataIndex: 'accountsHeld', key: 'accountsHeld' },
    {
      title: t('cluster.col.clock'),
      key: 'clock',
      render: (_: unknown, node: NodeRow) =>
        node.clock
          ? `${node.clock.offsetMs >= 0 ? '+' : ''}${node.clock.offsetMs.toFixed(1)} ± ${node.clock.boundMs.toFixed(1)} ms`
          : t('cluster.notMeasured'),
    },
    {
      title: t('cluster.col.roundTrip'),
      key: 'roundTrip',
      render: (_: unknown, node: NodeRow) =>
        node.roundTripMs === null ? t('cluster.notMeasured') : `${node.roundTripMs.toFixed(1)} ms`,
    },
    {
      title: t('cluster.col.shots'),
      key: 'shots',
      render: (_: unknown, node: NodeRow) => `${node.successes} / ${node.shots}`,
    },
  ];
  return (
    <Card title={t('cluster.title')} style={{ marginTop: 24 }} data-testid="cluster-card">
      {error ? (
        <Alert
          type="error"
          showIcon
          message={error}
          style={{ marginBottom: 12 }}
          data-testid="cluster-error"
          closable
          onClose={() => setError(null)}
        />
      ) : null}
      {status === null ? null : !status.joined ? (
        <>
          <Typography.Paragraph data-testid="cluster-not-joined">{t('cluster.notJoined')}</Typography.Paragraph>
          <Form
            layout="inline"
            data-testid="cluster-join"
            onFinish={(values: { url: string; name?: string }) =>
              change(() => api.invoke('cluster/join', { url: values.url, name: values.name || undefined }))
            }
          >
            <Form.Item
              name="url"
              label={t('cluster.join.url')}
              rules={[{ required: true, message: t('cluster.join.urlNeeded') }]}
            >
              <Input.Password
                placeholder="redis://USER:PASS@HOST:6379"
                style={{ width: 360 }}
                visibilityToggle={false}
                autoComplete="off"
                data-testid="cluster-join-url"
              />
            </Form.Item>
            <Form.Item name="name" label={t('cluster.join.name')}>
              <Input
                placeholder={t('cluster.join.namePlaceholder')}
                style={{ width: 180 }}
                data-testid="cluster-join-name"
              />
            </Form.Item>
            <Form.Item>
              <Button type="primary" htmlType="submit" loading={busy} data-testid="cluster-join-submit">
                {t('cluster.join.submit')}
              </Button>
            </Form.Item>
          </Form>
        </>
      ) : (
        <>
          <Space style={{ marginBottom: 12 }} wrap>
            <Typography.Text data-testid="cluster-joined">
              {t('cluster.joined', { where: status.where ?? '', name: status.name ?? '', nodeId: status.nodeId ?? '' })}
              {' · '}
              {t('cluster.nodes', { count: status.nodes.length })}
            </Typography.Text>
            <Button
              size="small"
              loading={busy}
              onClick={() => change(() => api.invoke('cluster/leave', {}))}
              data-testid="cluster-leave"
            >
              {t('cluster.leave')}
            </Button>
          </Space>
          {status.error ? (
            <Alert type="warning" showIcon message={t('cluster.unreachable', { error: status.error })} />
          ) : null}
          <Table<NodeRow>
            data-testid="cluster-nodes"
            rowKey="nodeId"
            size="small"
            pagination={false}
            columns={columns}
            dataSource={status.nodes}
          />
        </>
      )}
    </Card>
  );
}
