// Import with an error preview: the file is checked first (a dry run); the operator sees every bad row, or how many
// rows will be imported, before anything changes.
import { Alert, Button, Modal, Select, Space, Table, Typography } from 'antd';
import { useAccountsStore } from '../../stores/accounts-store';
import { useT } from '../../i18n';

const ENCODINGS = ['utf-8', 'gbk', 'gb18030', 'big5', 'utf-16le'] as const;

export function ImportModal() {
  const t = useT();
  const pending = useAccountsStore((state) => state.pendingImport);
  const busy = useAccountsStore((state) => state.busy);
  const confirm = useAccountsStore((state) => state.confirmImport);
  const cancel = useAccountsStore((state) => state.cancelImport);
  const changeEncoding = useAccountsStore((state) => state.changeImportEncoding);
  if (!pending) return null;
  const { report } = pending;
  return (
    <Modal
      open
      width={760}
      title={t('accounts.import.title', { file: pending.fileName })}
      onCancel={cancel}
      footer={
        <Space>
          <Button onClick={cancel}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            data-testid="import-confirm"
            disabled={!report.ok || report.valid === 0}
            loading={busy}
            onClick={() => void confirm()}
          >
            {t('accounts.import.confirm', { count: report.valid })}
          </Button>
        </Space>
      }
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Space>
          <Typography.Text>{t('accounts.import.encoding')}</Typography.Text>
          <Select
            value={pending.encoding}
            style={{ width: 140 }}
            onChange={(encoding) => void changeEncoding(encoding)}
            options={ENCODINGS.map((value) => ({ value, label: value.toUpperCase() }))}
          />
        </Space>
        {report.ok ? (
          <Alert
            type="success"
            showIcon
            data-testid="import-preview"
            title={t('accounts.import.ready', { count: report.valid, skipped: report.alreadyImported.length })}
          />
        ) : (
          <>
            <Alert
              type="error"
              showIcon
              data-testid="import-preview"
              title={t('accounts.import.bad', { count: new Set(report.problems.map((p) => p.row)).size })}
            />
            <Table
              size="small"
              data-testid="import-problems"
              rowKey={(problem) => `${problem.row}:${problem.column}:${problem.reason}`}
              pagination={{ pageSize: 8 }}
              dataSource={report.problems}
              columns={[
                { title: t('accounts.import.row'), dataIndex: 'row', width: 70 },
                { title: t('accounts.import.column'), dataIndex: 'column', width: 120 },
                { title: t('accounts.import.reason'), dataIndex: 'reason' },
              ]}
            />
          </>
        )}
      </Space>
    </Modal>
  );
}
