// The pool as a virtualised table: only the visible rows are in the DOM, so 10,000 accounts scroll smoothly.
import { Button, Space, Table, Tag, Tooltip } from 'antd';
import { useAccountsStore } from '../../stores/accounts-store';
import { useT } from '../../i18n';
import type { AccountViewWire, Outcome } from '../../../../electron/ipc/contract';
import { useNow } from '../../components/use-now';

/** Every outcome, so that the last outcome shows in words (the type says when one is added). */
const OUTCOME_NAMES: Record<Outcome, true> = {
  success: true,
  soldOut: true,
  notOpen: true,
  rateLimited: true,
  captchaRequired: true,
  captchaRejected: true,
  unauthorized: true,
  retryable: true,
  fatal: true,
  alreadyBooked: true,
  pending: true,
};
const OUTCOMES = new Set<string>(Object.keys(OUTCOME_NAMES));

const STATUS_COLOURS: Record<AccountViewWire['status'], string> = {
  active: 'green',
  cooling: 'gold',
  locked: 'volcano',
  banned: 'red',
  disabled: 'default',
};

export function AccountsTable({ onEdit }: { onEdit: (account: AccountViewWire) => void }) {
  const t = useT();
  const accounts = useAccountsStore((state) => state.accounts);
  const loading = useAccountsStore((state) => state.loading);
  const selected = useAccountsStore((state) => state.selected);
  const select = useAccountsStore((state) => state.select);
  const browserLogin = useAccountsStore((state) => state.browserLogin);
  const now = useNow(15_000);
  return (
    <Table<AccountViewWire>
      data-testid="accounts-table"
      virtual
      size="small"
      rowKey="id"
      loading={loading}
      pagination={false}
      scroll={{ x: 1420, y: 560 }}
      dataSource={accounts}
      rowSelection={{
        columnWidth: 48,
        fixed: true,
        selectedRowKeys: selected,
        onChange: (keys) => select(keys as number[]),
      }}
      columns={[
        {
          title: t('accounts.username'),
          dataIndex: 'username',
          width: 150,
          sorter: (a, b) => a.username.localeCompare(b.username),
        },
        { title: t('accounts.label'), dataIndex: 'label', width: 140 },
        { title: t('accounts.group'), dataIndex: 'group', width: 100 },
        { title: t('accounts.priority'), dataIndex: 'priority', width: 80, sorter: (a, b) => a.priority - b.priority },
        {
          title: t('accounts.status'),
          dataIndex: 'status',
          width: 110,
          render: (_, account) => (
            <Tag color={STATUS_COLOURS[account.status]}>
              {t(`accounts.status.${account.status}`)}
              {account.status === 'cooling' && account.coolingUntilMs !== null && account.coolingUntilMs > now
                ? ` ${Math.ceil((account.coolingUntilMs - now) / 60_000)} min`
                : ''}
            </Tag>
          ),
        },
        {
          title: t('accounts.session'),
          width: 130,
          render: (_, account) =>
            account.hasTokens ? (
              <Tag color="blue">{t('accounts.session.signedIn')}</Tag>
            ) : account.signInNeeded ? (
              <Tooltip title={account.signInError}>
                <Tag color="orange">{t('accounts.session.needed')}</Tag>
              </Tooltip>
            ) : (
              <Tooltip title={account.signInError}>
                <Tag>{t('accounts.session.none')}</Tag>
              </Tooltip>
            ),
        },
        {
          title: t('accounts.successes'),
          width: 100,
          render: (_, account) => `${account.successes} / ${account.attempts}`,
          sorter: (a, b) => a.successes - b.successes,
        },
        {
          title: t('accounts.lastOutcome'),
          dataIndex: 'lastOutcome',
          width: 120,
          render: (outcome: string | null) =>
            outcome === null ? null : OUTCOMES.has(outcome) ? t(`outcome.${outcome as Outcome}`) : outcome,
        },
        {
          title: t('accounts.lease'),
          width: 120,
          render: (_, account) =>
            account.leaseOwner && (account.leaseExpiresAtMs ?? 0) > now ? (
              <Tag color="purple">{account.leaseOwner}</Tag>
            ) : null,
        },
        {
          title: t('accounts.tags'),
          dataIndex: 'tags',
          width: 140,
          render: (tags: string[]) => tags.map((tag) => <Tag key={tag}>{tag}</Tag>),
        },
        {
          title: t('accounts.fields'),
          key: 'fields',
          width: 160,
          render: (_, account) => [
            ...Object.entries(account.fields).map(([name, value]) => <Tag key={name}>{`${name}=${value}`}</Tag>),
            ...account.secretFields.map((name) => <Tag key={name}>{`${name}=••••`}</Tag>),
          ],
        },
        {
          title: '',
          fixed: 'right',
          width: 170,
          render: (_, account) => (
            <Space size="small">
              <Button size="small" onClick={() => onEdit(account)}>
                {t('accounts.edit')}
              </Button>
              <Button size="small" onClick={() => void browserLogin(account.id)}>
                {t('accounts.browserLogin')}
              </Button>
            </Space>
          ),
        },
      ]}
    />
  );
}
