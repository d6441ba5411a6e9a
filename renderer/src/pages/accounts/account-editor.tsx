// Edit an account's label, group, priority, tags and notes (never its secrets: those come in by import or sign-in).
import { useEffect } from 'react';
import { Button, Drawer, Form, Input, InputNumber, Select } from 'antd';
import type { AccountViewWire } from '../../../../electron/ipc/contract';
import { useAccountsStore } from '../../stores/accounts-store';
import { useT } from '../../i18n';

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
    <Drawer open={account !== null} onClose={onClose} title={account?.username} size={420}>
      <Form
        form={form}
        layout="vertical"
        onFinish={(values) => {
          if (!account) return;
          void update(account.id, values).then(onClose);
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
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('common.save')}
        </Button>
      </Form>
    </Drawer>
  );
}
