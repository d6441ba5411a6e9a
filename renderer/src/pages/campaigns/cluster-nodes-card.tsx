// A campaign coordinated across a cluster, per node: what each concluded, sent and booked, and its attempts that
// came after another node had taken its accounts over — from the coordinator's summary once the campaign has ended.
import { Alert, Card, Table, Typography } from 'antd';
import type { CampaignViewWire } from '../../../../electron/ipc/contract';
import { useT } from '../../i18n';

interface NodeFiguresView {
  nodeId: string;
  name: string;
  accounts: number;
  shots: number;
  successes: number;
  late: number;
}

interface ClusterSummaryView {
  nodes?: NodeFiguresView[];
  takeovers?: Array<{ fromNodeId: string; accounts: number; toNodeIds: string[] }>;
}

export function ClusterNodesCard({ campaign }: { campaign: CampaignViewWire }) {
  const t = useT();
  const summary = (campaign.summary ?? {}) as ClusterSummaryView;
  const takeovers = summary.takeovers ?? [];
  return (
    <Card size="small" title={t('campaign.nodes')} data-testid="campaign-nodes">
      <Typography.Paragraph type="secondary">
        {t('campaign.clusterHelp', { where: campaign.cluster ?? '' })}
      </Typography.Paragraph>
      {takeovers.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 8 }}
          title={t('campaign.takeovers', { count: takeovers.length })}
        />
      )}
      {summary.nodes && (
        <Table<NodeFiguresView>
          size="small"
          rowKey="nodeId"
          pagination={false}
          dataSource={summary.nodes}
          columns={[
            { title: t('cluster.col.name'), dataIndex: 'name' },
            { title: t('cluster.col.node'), dataIndex: 'nodeId' },
            { title: t('campaign.node.accounts'), dataIndex: 'accounts', width: 140 },
            { title: t('campaign.node.shots'), dataIndex: 'shots', width: 100 },
            { title: t('campaign.node.successes'), dataIndex: 'successes', width: 100 },
            { title: t('campaign.node.late'), dataIndex: 'late', width: 120 },
          ]}
        />
      )}
    </Card>
  );
}
