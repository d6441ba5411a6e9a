// Campaigns: the list (or one campaign in detail) and the recurring schedules.
import { useState } from 'react';
import { Tabs, Typography } from 'antd';
import { useCampaignsStore } from '../../stores/campaigns-store';
import { useT } from '../../i18n';
import { CampaignList } from './campaign-list';
import { CampaignDetail } from './campaign-detail';
import { CampaignForm } from './campaign-form';
import { SchedulesPanel } from './schedules-panel';

export function CampaignsPage() {
  const t = useT();
  const selectedId = useCampaignsStore((state) => state.selectedId);
  const campaigns = useCampaignsStore((state) => state.campaigns);
  const [creating, setCreating] = useState(false);
  const [editingId, setEditingId] = useState<string | null>(null);
  const editing = campaigns.find((campaign) => campaign.id === editingId) ?? null;
  return (
    <>
      <Typography.Title level={3}>{t('nav.campaigns')}</Typography.Title>
      <Tabs
        items={[
          {
            key: 'campaigns',
            label: t('campaigns.tab'),
            children: selectedId ? (
              <CampaignDetail id={selectedId} onEdit={() => setEditingId(selectedId)} />
            ) : (
              <CampaignList onCreate={() => setCreating(true)} />
            ),
          },
          { key: 'schedules', label: t('schedules.tab'), children: <SchedulesPanel /> },
        ]}
      />
      <CampaignForm open={creating} onClose={() => setCreating(false)} />
      {editing && <CampaignForm open editing={editing} onClose={() => setEditingId(null)} />}
    </>
  );
}
