// Accounts: the pool of one target — import with an error preview, export, edit, disable, cool down, sign in, and
// the same actions on many rows at once.
import { targetLabel } from '../../components/target-label';
import { useEffect, useRef, useState } from 'react';
import { Alert, App as AntApp, Button, Empty, Popconfirm, Select, Space, Typography } from 'antd';
import type { AccountViewWire } from '../../../../electron/ipc/contract';
import { useAccountsStore } from '../../stores/accounts-store';
import { useT } from '../../i18n';
import { AccountsTable } from './accounts-table';
import { ImportModal } from './import-modal';
import { AccountEditor } from './account-editor';

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}

export function AccountsPage() {
  const t = useT();
  const { message } = AntApp.useApp();
  const fileInput = useRef<HTMLInputElement>(null);
  const [editing, setEditing] = useState<AccountViewWire | null>(null);
  const targets = useAccountsStore((state) => state.targets);
  const targetId = useAccountsStore((state) => state.targetId);
  const accounts = useAccountsStore((state) => state.accounts);
  const selected = useAccountsStore((state) => state.selected);
  const error = useAccountsStore((state) => state.error);
  const notice = useAccountsStore((state) => state.notice);
  const busy = useAccountsStore((state) => state.busy);
  const load = useAccountsStore((state) => state.load);
  const setTarget = useAccountsStore((state) => state.setTarget);
  const checkImport = useAccountsStore((state) => state.checkImport);
  const exportCsv = useAccountsStore((state) => state.exportCsv);
  const setStatus = useAccountsStore((state) => state.setStatus);
  const signIn = useAccountsStore((state) => state.signIn);
  const remove = useAccountsStore((state) => state.remove);
  const clearNotice = useAccountsStore((state) => state.clearNotice);

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (notice?.startsWith('imported:')) {
      void message.success(t('accounts.import.done', { count: notice.split(':')[1]! }));
      clearNotice();
    }
  }, [notice, message, t, clearNotice]);

  const some = selected.length > 0;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Typography.Title level={3}>{t('nav.accounts')}</Typography.Title>
      <Space wrap>
        <Select
          data-testid="accounts-target"
          aria-label={t('campaigns.target')}
          value={targetId}
          style={{ width: 240 }}
          onChange={setTarget}
          options={targets.map((target) => ({ value: target.id, label: targetLabel(target, t) }))}
        />
        <input
          ref={fileInput}
          type="file"
          accept=".csv,text/csv"
          data-testid="accounts-file"
          style={{ display: 'none' }}
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) void checkImport(file, 'utf-8');
            event.target.value = '';
          }}
        />
        <Button type="primary" onClick={() => fileInput.current?.click()} data-testid="accounts-import">
          {t('accounts.import')}
        </Button>
        <Button onClick={() => void exportCsv().then((csv) => download(`accounts-${targetId}.csv`, csv))}>
          {t('accounts.export')}
        </Button>
        <Typography.Text type="secondary">
          {t('accounts.count', { count: accounts.length, selected: selected.length })}
        </Typography.Text>
      </Space>
      <Space wrap data-testid="bulk-actions">
        <Button disabled={!some} loading={busy} onClick={() => void signIn(selected)} data-testid="bulk-sign-in">
          {t('accounts.signIn')}
        </Button>
        <Button disabled={!some} onClick={() => void setStatus(selected, 'active')}>
          {t('accounts.enable')}
        </Button>
        <Button disabled={!some} onClick={() => void setStatus(selected, 'disabled')} data-testid="bulk-disable">
          {t('accounts.disable')}
        </Button>
        <Button disabled={!some} onClick={() => void setStatus(selected, 'cooling', 15 * 60_000)}>
          {t('accounts.coolDown')}
        </Button>
        <Popconfirm
          title={t('accounts.removeConfirm', { count: selected.length })}
          onConfirm={() => void remove(selected)}
          disabled={!some}
        >
          <Button danger disabled={!some}>
            {t('accounts.remove')}
          </Button>
        </Popconfirm>
      </Space>
      {error && (
        <Alert type="error" showIcon closable title={<span style={{ whiteSpace: 'pre-line' }}>{error}</span>} />
      )}
      {accounts.length === 0 ? (
        <Empty description={t(targetId === 'simulator' ? 'accounts.empty.simulator' : 'accounts.empty')} />
      ) : (
        <AccountsTable onEdit={setEditing} />
      )}
      <ImportModal />
      <AccountEditor account={editing} onClose={() => setEditing(null)} />
    </Space>
  );
}
