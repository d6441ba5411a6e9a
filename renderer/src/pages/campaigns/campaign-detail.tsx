// One campaign: state, countdown in server time with the clock's offset ± bound, arm and cancel (Alt+A, Alt+X), the
// live timeline (per account, per endpoint or, across a cluster, per node) and the state of every leased account.
import { useEffect, useMemo, useState } from 'react';
import type { ButtonProps } from 'antd';
import { Alert, App, Button, Card, Popconfirm, Radio, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useCampaignsStore, timelineModel } from '../../stores/campaigns-store';
import { useClockStore } from '../../stores/clock-store';
import { useNavigationStore } from '../../stores/navigation-store';
import { useReportsStore } from '../../stores/reports-store';
import { useT, hasMessage } from '../../i18n';
import { TimelineCanvas } from '../../components/timeline/timeline-canvas';
import { OUTCOME_COLOURS, OUTCOME_ORDER, type RowMode } from '../../components/timeline/timeline-model';
import { Countdown } from './countdown';
import { FireSummary } from './fire-summary';
import { ClusterNodesCard } from './cluster-nodes-card';
import { nodeName } from '../../../../electron/common/attribution-buckets';
import { STATE_COLOURS } from './campaign-list';

export function CampaignDetail({ id, onEdit }: { id: string; onEdit: () => void }) {
  const t = useT();
  const { modal } = App.useApp();
  const campaign = useCampaignsStore((state) => state.campaigns.find((c) => c.id === id) ?? null);
  const accounts = useCampaignsStore((state) => state.accounts);
  const select = useCampaignsStore((state) => state.select);
  const arm = useCampaignsStore((state) => state.arm);
  const cancel = useCampaignsStore((state) => state.cancel);
  const reconcile = useCampaignsStore((state) => state.reconcile);
  const reconciled = useCampaignsStore((state) => state.reconciled);
  const busy = useCampaignsStore((state) => state.busy);
  const error = useCampaignsStore((state) => state.error);
  const boundMs = useClockStore((state) => state.status?.current?.boundMs ?? 0);
  const go = useNavigationStore((state) => state.go);
  const [mode, setMode] = useState<RowMode>('account');
  const model = useMemo(() => timelineModel(id), [id]);
  const usernames = useMemo(() => new Map(accounts.map((a) => [a.accountId, a.username])), [accounts]);
  const canArm = campaign?.state === 'draft';
  const canCancel = campaign?.state === 'armed' || campaign?.state === 'firing';
  const openResults = campaign
    ? campaign.intents.unknown + (canCancel ? 0 : campaign.intents.prepared + campaign.intents.sent)
    : 0;

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (!event.altKey || !campaign) return;
      if (event.code === 'KeyA' && canArm) {
        event.preventDefault();
        void arm(campaign.id).catch(() => undefined);
      }
      if (event.code === 'KeyX' && canCancel) {
        event.preventDefault();
        // Cancelling an armed rush is not undone: it asks first, with the safe choice focused.
        void modal.confirm({
          title: t('campaign.cancelConfirm', { name: campaign.name }),
          okText: t('campaign.cancel'),
          okButtonProps: { danger: true, 'data-testid': 'cancel-confirm' } as ButtonProps,
          cancelText: t('common.keep'),
          autoFocusButton: 'cancel',
          onOk: () => cancel(campaign.id).catch(() => undefined),
        });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [campaign, canArm, canCancel, arm, cancel, modal, t]);

  if (!campaign) return <Typography.Text type="secondary">{t('campaign.loading')}</Typography.Text>;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="campaign-detail">
      <Space wrap>
        <Button onClick={() => select(null)}>{t('campaign.back')}</Button>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {campaign.name}
        </Typography.Title>
        <Tag color={STATE_COLOURS[campaign.state]} data-testid="campaign-state">
          {t(`campaign.state.${campaign.state}`)}
        </Tag>
        {campaign.cluster !== null && (
          <Tag color="geekblue" data-testid="campaign-cluster">
            {t('campaign.cluster')}
          </Tag>
        )}
        <Typography.Text type="secondary">
          {campaign.targetId} · {campaign.itemId}
        </Typography.Text>
      </Space>
      <Card size="small">
        <Space direction="vertical" style={{ width: '100%' }}>
          <Countdown openAtServerMs={campaign.openAtServerMs} timeZone={campaign.timeZone} state={campaign.state} />
          <Space>
            <Tooltip title="Alt+A">
              <Button
                type="primary"
                disabled={!canArm}
                loading={busy}
                data-testid="campaign-arm"
                onClick={() => void arm(campaign.id).catch(() => undefined)}
              >
                {t('campaign.arm')}
              </Button>
            </Tooltip>
            <Popconfirm
              title={t('campaign.cancelConfirm', { name: campaign.name })}
              okText={t('campaign.cancel')}
              cancelText={t('common.keep')}
              okButtonProps={{ danger: true, 'data-testid': 'cancel-confirm' } as ButtonProps}
              disabled={!canCancel}
              onConfirm={() => void cancel(campaign.id).catch(() => undefined)}
            >
              <Tooltip title="Alt+X">
                <Button danger disabled={!canCancel} data-testid="campaign-cancel">
                  {t('campaign.cancel')}
                </Button>
              </Tooltip>
            </Popconfirm>
            <Button disabled={!canArm} data-testid="campaign-edit" onClick={onEdit}>
              {t('common.edit')}
            </Button>
            <Button
              data-testid="campaign-attribution"
              onClick={() => {
                useReportsStore.getState().setCampaign(campaign.id);
                go('reports');
              }}
            >
              {t('campaign.attribution')}
            </Button>
            <Typography.Text type="secondary">{t('campaign.shortcuts')}</Typography.Text>
          </Space>
          <FireSummary summary={campaign.summary} />
          {campaign.errorMessage && (
            <Alert
              type="error"
              showIcon
              data-testid="campaign-error"
              title={t('campaign.failedBecause', { reason: campaign.errorMessage })}
            />
          )}
          {openResults > 0 && (
            <Alert
              type="warning"
              showIcon
              data-testid="campaign-unknown"
              title={t('campaign.unknownResults', { count: openResults })}
              action={
                <Button
                  size="small"
                  data-testid="campaign-reconcile"
                  loading={busy}
                  onClick={() => void reconcile(campaign.id).catch(() => undefined)}
                >
                  {t('campaign.reconcile')}
                </Button>
              }
            />
          )}
          {reconciled?.campaignId === campaign.id && (
            <Alert
              type={reconciled.unknown > 0 ? 'warning' : 'success'}
              showIcon
              data-testid="campaign-reconciled"
              title={t('campaign.reconciled', {
                found: reconciled.found,
                notFound: reconciled.notFound,
                unknown: reconciled.unknown,
              })}
              description={reconciled.error ?? undefined}
            />
          )}
          {error && <Alert type="error" showIcon title={error} />}
        </Space>
      </Card>
      <Card
        size="small"
        title={t('campaign.timeline')}
        extra={
          <Radio.Group
            size="small"
            optionType="button"
            value={mode}
            onChange={(event) => setMode(event.target.value as RowMode)}
            options={[
              { value: 'account', label: t('campaign.perAccount') },
              { value: 'endpoint', label: t('campaign.perEndpoint') },
              ...(campaign.cluster !== null ? [{ value: 'node' as const, label: t('campaign.perNode') }] : []),
            ]}
          />
        }
      >
        <TimelineCanvas
          model={model}
          mode={mode}
          openAtMs={campaign.openAtServerMs}
          boundMs={boundMs}
          fitLabel={t('campaign.fit')}
          renderTooltip={(hover) => (
            <>
              <div>
                <b>{hover.row}</b> · #{hover.attemptId}
              </div>
              <div>
                {t('campaign.tooltip', {
                  offset: `${hover.offsetMs >= 0 ? '+' : ''}${hover.offsetMs.toFixed(1)}`,
                  latency: hover.latencyMs.toFixed(1),
                  outcome: t(`outcome.${hover.outcome as 'success'}`),
                  retry: hover.retry,
                })}
              </div>
            </>
          )}
          rowLabel={(rowMode, lane) =>
            rowMode === 'account'
              ? (usernames.get(model.accountIds[lane] ?? -1) ?? `#${model.accountIds[lane] ?? '?'}`)
              : rowMode === 'node'
                ? model.nodes[lane]
                  ? nodeName(model.nodes[lane])
                  : t('campaign.thisMachine')
                : (model.endpoints[lane] ?? '?').replace(/^https?:\/\//, '')
          }
        />
        <Space wrap size={12} style={{ marginTop: 8 }}>
          {OUTCOME_ORDER.map((outcome) => (
            <Space key={outcome} size={4}>
              <span style={{ display: 'inline-block', width: 10, height: 10, background: OUTCOME_COLOURS[outcome] }} />
              <Typography.Text style={{ fontSize: 12 }}>{t(`outcome.${outcome}`)}</Typography.Text>
            </Space>
          ))}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('campaign.timelineHelp')}
          </Typography.Text>
        </Space>
      </Card>
      {campaign.cluster !== null && <ClusterNodesCard campaign={campaign} />}
      <Card size="small" title={t('campaign.accounts', { count: accounts.length })}>
        <Table
          data-testid="campaign-accounts"
          size="small"
          rowKey="accountId"
          virtual
          scroll={{ y: 300 }}
          pagination={false}
          dataSource={accounts}
          columns={[
            { title: t('accounts.username'), dataIndex: 'username' },
            {
              title: t('accounts.status'),
              dataIndex: 'status',
              width: 100,
              render: (status: string) =>
                hasMessage(`accounts.status.${status}`)
                  ? t(`accounts.status.${status}` as 'accounts.status.active')
                  : status,
            },
            {
              title: t('campaign.leased'),
              dataIndex: 'leased',
              width: 90,
              render: (leased: boolean) => (leased ? <Tag color="blue">{t('common.yes')}</Tag> : '—'),
            },
            { title: t('campaign.attempts'), dataIndex: 'attempts', width: 90 },
            {
              title: t('campaign.successes'),
              dataIndex: 'successes',
              width: 90,
              render: (n: number) => (n > 0 ? <Tag color="green">{n}</Tag> : 0),
            },
            {
              title: t('campaign.lastOutcome'),
              dataIndex: 'lastOutcome',
              width: 140,
              render: (outcome: string | null) => (outcome ? t(`outcome.${outcome as 'success'}`) : '—'),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
