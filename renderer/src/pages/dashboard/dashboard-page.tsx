// The Dashboard is the operations board: every upcoming and running campaign with its countdown, readiness and live
// results (./campaign-board-card.tsx), the last one that ended, the built-in simulator with its stock as it sells,
// and, folded away, what this installation is.
import { useMemo } from 'react';
import { Alert, Collapse, Descriptions, Empty, Space, Tag, Typography } from 'antd';
import { CampaignBoardCard } from './campaign-board-card';
import { useAppInfoStore } from '../../stores/app-info-store';
import { useT } from '../../i18n';
import { SimulatorCard } from './simulator-card';
import { useCampaignsStore } from '../../stores/campaigns-store';
import { useNavigationStore } from '../../stores/navigation-store';
import { RehearseButton } from '../campaigns/campaign-list';

export function DashboardPage() {
  const t = useT();
  const info = useAppInfoStore((state) => state.info);
  const error = useAppInfoStore((state) => state.error);
  const campaigns = useCampaignsStore((state) => state.campaigns);
  const loading = useCampaignsStore((state) => state.loading);
  const selected = useCampaignsStore((state) => state.selectedId);
  const go = useNavigationStore((state) => state.go);
  const upcoming = useMemo(
    () =>
      campaigns
        .filter((c) => c.state === 'draft' || c.state === 'armed' || c.state === 'firing')
        .sort((a, b) => a.openAtServerMs - b.openAtServerMs),
    [campaigns],
  );
  const lastEnded = useMemo(
    () =>
      campaigns
        .filter((c) => c.state !== 'draft' && c.state !== 'armed' && c.state !== 'firing')
        .sort((a, b) => b.openAtServerMs - a.openAtServerMs)[0] ?? null,
    [campaigns],
  );
  return (
    <>
      <Typography.Title level={3}>{t('nav.dashboard')}</Typography.Title>
      {!loading && campaigns.length === 0 && !selected && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 24 }}
          data-testid="first-run"
          title={t('dashboard.firstRun.title')}
          description={
            <Space direction="vertical">
              {t('dashboard.firstRun.body')}
              <span onClickCapture={() => setTimeout(() => go('campaigns'), 0)}>
                <RehearseButton />
              </span>
            </Space>
          }
        />
      )}
      <Typography.Title level={5}>{t('board.upcoming')}</Typography.Title>
      <Space direction="vertical" size={12} style={{ width: '100%', marginBottom: 24 }} data-testid="board">
        {upcoming.map((campaign) => (
          <CampaignBoardCard key={campaign.id} campaign={campaign} />
        ))}
        {upcoming.length === 0 && <Empty data-testid="board-empty" description={t('board.none')} />}
        {lastEnded && (
          <>
            <Typography.Text type="secondary">{t('board.lastEnded')}</Typography.Text>
            <CampaignBoardCard campaign={lastEnded} />
          </>
        )}
      </Space>
      <SimulatorCard />
      <div style={{ height: 24 }} />
      {error && <Alert type="error" showIcon title={t('dashboard.loadFailed', { message: error })} />}
      {info && (
        <Collapse
          size="small"
          items={[
            {
              key: 'about',
              label: t('dashboard.about'),
              forceRender: true,
              children: <InstallationFacts info={info} />,
            },
          ]}
        />
      )}
    </>
  );
}

function InstallationFacts({ info }: { info: NonNullable<ReturnType<typeof useAppInfoStore.getState>['info']> }) {
  const t = useT();
  return (
    <>
      {info && (
        <Descriptions bordered column={1} size="small" data-testid="app-info">
          <Descriptions.Item label={t('dashboard.version')}>
            <span data-testid="app-version">{info.version}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('dashboard.runtime')}>
            {info.runtime === 'electron' ? `Electron ${info.platform.electron}` : `Node.js ${info.platform.node}`}
          </Descriptions.Item>
          <Descriptions.Item label={t('dashboard.platform')}>
            {info.platform.os} / {info.platform.arch}
          </Descriptions.Item>
          <Descriptions.Item label={t('dashboard.dataDir')}>
            <Typography.Text copyable>{info.dataDir}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('dashboard.database')}>{info.databaseFile}</Descriptions.Item>
          <Descriptions.Item label={t('dashboard.schema')}>{info.schemaVersion}</Descriptions.Item>
          <Descriptions.Item label={t('dashboard.onnx')}>
            <Space wrap>
              {info.onnxruntime.version && <span>v{info.onnxruntime.version}</span>}
              {info.onnxruntime.providers.map((provider) => (
                <Tag key={provider.name} color={provider.available ? 'green' : 'default'} title={provider.note}>
                  {provider.name}:{' '}
                  {t(provider.available ? 'dashboard.provider.available' : 'dashboard.provider.unavailable')}
                </Tag>
              ))}
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label={t('dashboard.captcha')}>
            <span data-testid="captcha-provider">
              {info.captcha.provider ?? t('dashboard.captcha.notStarted')}
              {info.captcha.models
                .map(
                  (model) =>
                    ` · ${model.name}${model.accuracy !== null ? ` (${(model.accuracy * 100).toFixed(1)}%)` : ''}`,
                )
                .join('')}
            </span>
          </Descriptions.Item>
        </Descriptions>
      )}
    </>
  );
}
