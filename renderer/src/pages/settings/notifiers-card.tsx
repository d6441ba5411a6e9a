// Notifiers in Settings: add or edit (secrets are write-only: a saved one shows as set and is kept unless replaced),
// "send test", remove.
import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Typography,
  Tag,
} from 'antd';
import type { CallInput, NotifierViewWire } from '../../../../electron/ipc/contract';
import { ApiError } from '../../api';
import { useNotifiersStore } from '../../stores/notifiers-store';
import { useT, type MessageKey } from '../../i18n';

type Kind = NotifierViewWire['kind'];
const KINDS: Kind[] = ['desktop', 'webhook', 'ntfy', 'dingtalk', 'feishu', 'telegram'];

interface Field {
  name: string;
  secret?: boolean;
  number?: boolean;
  textarea?: boolean;
  placeholder?: string;
}

const FIELDS: Record<Kind, Field[]> = {
  desktop: [],
  webhook: [
    { name: 'url', secret: true, placeholder: 'https://example.com/hook?token=…' },
    { name: 'bodyTemplate', textarea: true, placeholder: '{"text":"{{title}}: {{text}}"}' },
  ],
  ntfy: [
    { name: 'server', placeholder: 'https://ntfy.sh' },
    { name: 'topic', placeholder: 'my-rush-alerts' },
    { name: 'token', secret: true },
    { name: 'priority', number: true },
  ],
  dingtalk: [
    { name: 'webhookUrl', secret: true, placeholder: 'https://oapi.dingtalk.com/robot/send?access_token=…' },
    { name: 'signSecret', secret: true, placeholder: 'SEC…' },
  ],
  feishu: [
    { name: 'webhookUrl', secret: true, placeholder: 'https://open.feishu.cn/open-apis/bot/v2/hook/…' },
    { name: 'signSecret', secret: true },
  ],
  telegram: [
    { name: 'botToken', secret: true, placeholder: '123456:ABC…' },
    { name: 'chatId', placeholder: '-1001234567890' },
    { name: 'apiBase', placeholder: 'https://api.telegram.org' },
  ],
};

function NotifierForm({ editing, onClose }: { editing: NotifierViewWire | 'new' | null; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<Record<string, unknown>>();
  const save = useNotifiersStore((state) => state.save);
  const [error, setError] = useState<string | null>(null);
  const kind =
    (Form.useWatch('kind', form) as Kind | undefined) ?? (editing && editing !== 'new' ? editing.kind : 'desktop');
  const existing = editing && editing !== 'new' ? editing : null;
  const submit = async (values: Record<string, unknown>): Promise<void> => {
    setError(null);
    const notifier: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values))
      if (value !== undefined && value !== '' && value !== null) notifier[key] = value;
    try {
      await save({ id: existing?.id, notifier } as CallInput<'notifiers/save'>);
      onClose();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : (caught as Error).message);
    }
  };
  return (
    <Modal
      open={editing !== null}
      destroyOnHidden
      title={existing ? t('notifiers.edit') : t('notifiers.add')}
      onCancel={onClose}
      onOk={() => form.submit()}
    >
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        onFinish={(values) => void submit(values)}
        initialValues={
          existing
            ? { kind: existing.kind, name: existing.name, enabled: existing.enabled, ...existing.config }
            : { kind: 'desktop', enabled: true, language: 'en' }
        }
        data-testid="notifier-form"
      >
        <Space.Compact block>
          <Form.Item name="kind" label={t('notifiers.kind')} style={{ width: '40%' }}>
            <Select
              disabled={existing !== null}
              options={KINDS.map((k) => ({ value: k, label: t(`notifiers.kind.${k}` as MessageKey) }))}
            />
          </Form.Item>
          <Form.Item name="name" label={t('campaigns.name')} style={{ width: '60%' }}>
            <Input data-testid="notifier-name" />
          </Form.Item>
        </Space.Compact>
        {FIELDS[kind].map((field) => (
          <Form.Item
            key={field.name}
            name={field.name}
            label={t(`notifiers.field.${field.name}` as MessageKey)}
            extra={field.secret && existing?.secretsSet.includes(field.name) ? t('notifiers.secretKept') : undefined}
          >
            {field.number ? (
              <InputNumber min={1} max={5} />
            ) : field.textarea ? (
              <Input.TextArea rows={3} placeholder={field.placeholder} />
            ) : field.secret ? (
              <Input.Password
                placeholder={field.placeholder}
                autoComplete="off"
                data-testid={`notifier-${field.name}`}
              />
            ) : (
              <Input placeholder={field.placeholder} />
            )}
          </Form.Item>
        ))}
        <Space.Compact block>
          {kind === 'desktop' && (
            <Form.Item name="sound" label={t('settings.sound')} valuePropName="checked" style={{ width: '30%' }}>
              <Switch />
            </Form.Item>
          )}
          <Form.Item name="language" label={t('settings.language')} style={{ width: '40%' }}>
            <Select
              options={[
                { value: 'en', label: 'English' },
                { value: 'zh-CN', label: '简体中文' },
              ]}
            />
          </Form.Item>
          <Form.Item name="enabled" label={t('schedules.enabled')} valuePropName="checked" style={{ width: '30%' }}>
            <Switch />
          </Form.Item>
        </Space.Compact>
        {error && <Alert type="error" showIcon title={error} data-testid="notifier-error" />}
      </Form>
    </Modal>
  );
}

export function NotifiersCard() {
  const t = useT();
  const { message } = App.useApp();
  const notifiers = useNotifiersStore((state) => state.notifiers);
  const remove = useNotifiersStore((state) => state.remove);
  const test = useNotifiersStore((state) => state.test);
  const [editing, setEditing] = useState<NotifierViewWire | 'new' | null>(null);
  const [testing, setTesting] = useState<number | null>(null);
  return (
    <Card
      size="small"
      title={t('notifiers.title')}
      extra={
        <Button onClick={() => setEditing('new')} data-testid="notifier-add">
          {t('notifiers.add')}
        </Button>
      }
    >
      <NotifierForm editing={editing} onClose={() => setEditing(null)} />
      <Table<NotifierViewWire>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={notifiers}
        data-testid="notifiers-table"
        locale={{ emptyText: <Typography.Text type="secondary">{t('notifiers.empty')}</Typography.Text> }}
        columns={[
          { title: t('campaigns.name'), dataIndex: 'name' },
          {
            title: t('notifiers.kind'),
            dataIndex: 'kind',
            width: 120,
            render: (k: Kind) => t(`notifiers.kind.${k}` as MessageKey),
          },
          {
            title: t('schedules.enabled'),
            dataIndex: 'enabled',
            width: 90,
            render: (on: boolean) => (on ? <Tag color="green">{t('common.yes')}</Tag> : <Tag>{t('common.no')}</Tag>),
          },
          {
            title: '',
            width: 260,
            render: (_, notifier) => (
              <Space>
                <Button
                  size="small"
                  loading={testing === notifier.id}
                  data-testid="notifier-test"
                  onClick={() => {
                    setTesting(notifier.id);
                    void test(notifier.id)
                      .then((result) =>
                        result.ok
                          ? message.success(t('notifiers.testOk', { attempts: result.attempts }))
                          : message.error(t('notifiers.testFailed', { error: result.error ?? '' })),
                      )
                      .catch((error: Error) => message.error(error.message))
                      .finally(() => setTesting(null));
                  }}
                >
                  {t('notifiers.sendTest')}
                </Button>
                <Button size="small" onClick={() => setEditing(notifier)}>
                  {t('common.edit')}
                </Button>
                <Popconfirm title={t('notifiers.removeConfirm')} onConfirm={() => void remove(notifier.id)}>
                  <Button size="small" danger>
                    {t('common.remove')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}
