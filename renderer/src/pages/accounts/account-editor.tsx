// Edit an account's label, group, priority, tags, notes and fields (a secret field can be replaced, never read;
// the password comes in by import or sign-in).
import { useEffect, useState } from 'react';
import { Alert, Button, Drawer, Form, Input, InputNumber, Select } from 'antd';
import type { AccountViewWire } from '../../../../electron/ipc/contract';
import { useAccountsStore } from '../../stores/accounts-store';
import { useT } from '../../i18n';
import { fieldEdits, fieldRowsOf, FieldsEditor, type FieldRow } from './fields-editor';

interface EditorValues {
  label: string;
  group: string;
  priority: number;
  tags: string[];
  notes: string;
}

export function AccountEditor({ account, onClose }: { account: AccountViewWire | null; onClose: () => void }) {
  const t = useT();
  const update = useAccountsStore((state) => state.update);
  const busy = useAccountsStore((state) => state.busy);
  const [form] = Form.useForm<EditorValues>();
  // The fields being edited start again from the account whenever another account (or a fresh copy) is opened.
  const [fieldState, setFieldState] = useState<{
    source: AccountViewWire | null;
    rows: FieldRow[];
    problem: string | null;
  }>({ source: null, rows: [], problem: null });
  if (fieldState.source !== account)
    setFieldState({ source: account, rows: account ? fieldRowsOf(account) : [], problem: null });
  const fieldRows = fieldState.rows;
  const fieldProblem = fieldState.problem;
  const setFieldRows = (rows: FieldRow[]): void => setFieldState((state) => ({ ...state, rows }));
  const setFieldProblem = (problem: string): void => setFieldState((state) => ({ ...state, problem }));
  useEffect(() => {
    if (account)
      form.setFieldsValue({
        label: account.label,
        group: account.group,
        priority: account.priority,
        tags: account.tags,
        notes: account.notes,
      });
  }, [account, form]);
  return (
    <Drawer open={account !== null} onClose={onClose} title={account?.username} size={540}>
      <Form
        form={form}
        layout="vertical"
        onFinish={(values) => {
          if (!account) return;
          const edits = fieldEdits(account, fieldRows);
          if ('problem' in edits) return setFieldProblem(edits.problem);
          void update(account.id, { ...values, ...edits }).then(onClose);
        }}
      >
        <Form.Item name="label" label={t('accounts.label')} rules={[{ max: 200 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="group" label={t('accounts.group')} rules={[{ max: 100 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="priority" label={t('accounts.priority')}>
          <InputNumber min={-1000} max={1000} precision={0} />
        </Form.Item>
        <Form.Item name="tags" label={t('accounts.tags')}>
          <Select mode="tags" tokenSeparators={[';', ',']} />
        </Form.Item>
        <Form.Item name="notes" label={t('accounts.notes')} rules={[{ max: 2000 }]}>
          <Input.TextArea autoSize={{ minRows: 3 }} />
        </Form.Item>
        <Form.Item>
          <FieldsEditor rows={fieldRows} onChange={setFieldRows} />
          {fieldProblem !== null ? (
            <Alert
              type="error"
              showIcon
              style={{ marginTop: 6 }}
              title={t('accounts.fieldBad', { name: fieldProblem })}
            />
          ) : null}
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('common.save')}
        </Button>
      </Form>
    </Drawer>
  );
}
