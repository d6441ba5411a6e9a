// Every campaign, newest open instant first; the first-run empty state offers a one-click rehearsal.
import { Button, Empty, Space, Table, Tag } from 'antd';
import type { CampaignViewWire } from '../../../../electron/ipc/contract';
import { useCampaignsStore } from '../../stores/campaigns-store';
import { useT } from '../../i18n';
import { Instant } from '../../components/instant';

export const STATE_COLOURS: Record<CampaignViewWire['state'], string> = {
  draft: 'default',
  armed: 'blue',
  firing: 'orange',
  completed: 'green',
  cancelled: 'default',
  failed: 'red',
  interrupted: 'volcano',
};

export function RehearseButton({ type = 'primary' }: { type?: 'primary' | 'default' }) {
  const t = useT();
  const rehearse = useCampaignsStore((state) => state.rehearse);
  const busy = useCampaignsStore((state) => state.busy);
  return (
    <Button
      type={type}
      data-testid="rehearse"
      loading={busy}
      onClick={() => void rehearse(t('campaigns.rehearsalName', { item: '{item}' })).catch(() => undefined)}
    >
      {t('campaigns.rehearse')}
    </Button>
  );
}

export function CampaignList({ onCreate }: { onCreate: () => void }) {
  const t = useT();
  const campaigns = useCampaignsStore((state) => state.campaigns);
  const loading = useCampaignsStore((state) => state.loading);
  const select = useCampaignsStore((state) => state.select);
  return (
    <>
      <Space style={{ marginBottom: 16 }}>
        <Button type="primary" data-testid="campaign-new" onClick={onCreate}>
          {t('campaigns.new')}
        </Button>
        <RehearseButton type="default" />
      </Space>
      <Table<CampaignViewWire>
        data-testid="campaigns-table"
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={campaigns}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{
          emptyText: (
            <Empty description={t('campaigns.empty')}>
              <RehearseButton />
            </Empty>
          ),
        }}
        onRow={(campaign) => ({ onClick: () => select(campaign.id), style: { cursor: 'pointer' } })}
        columns={[
          {
            title: t('campaigns.name'),
            dataIndex: 'name',
            // A link, so Tab reaches every campaign and Enter opens it.
            render: (name: string, campaign) => (
              <Button
                type="link"
                size="small"
                style={{ padding: 0 }}
                data-testid="campaign-open"
                onClick={(event) => {
                  event.stopPropagation();
                  select(campaign.id);
                }}
              >
                {name}
              </Button>
            ),
          },
          { title: t('campaigns.target'), dataIndex: 'targetId', width: 120 },
          { title: t('campaigns.item'), dataIndex: 'itemId', width: 120 },
          {
            title: t('campaigns.opensAt'),
            width: 260,
            render: (_, campaign) => <Instant ms={campaign.openAtServerMs} zone={campaign.timeZone} />,
          },
          {
            title: t('campaigns.state'),
            dataIndex: 'state',
            width: 110,
            render: (state: CampaignViewWire['state']) => (
              <Tag color={STATE_COLOURS[state]}>{t(`campaign.state.${state}`)}</Tag>
            ),
          },
          {
            title: t('campaigns.booked'),
            width: 90,
            render: (_, campaign) => (campaign.summary as { successes?: number } | null)?.successes ?? '—',
          },
        ]}
      />
    </>
  );
}
