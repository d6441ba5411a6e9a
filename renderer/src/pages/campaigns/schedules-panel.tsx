// Recurring campaigns: each schedule with its cron expression, zone, the next five runs (arm → open, in its zone),
// runs missed or skipped, enable/disable and remove; a form adds one from a few campaign fields.
import { useState } from 'react';
import {
  Alert,
  Button,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Popconfirm,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { ScheduleViewWire } from '../../../../electron/ipc/contract';
import { ApiError } from '../../api';
import { useSchedulesStore } from '../../stores/schedules-store';
import { useT } from '../../i18n';
import { formatZoned } from '../../components/zoned-time';

const RUN_COLOURS = { started: 'green', missed: 'red', 'skipped-overlap': 'gold', failed: 'red' } as const;

interface AddValues {
  name: string;
  cron: string;
  timeZone: string;
  opensAfterS: number;
  target: string;
  item: string;
  count: number;
}

function AddSchedule({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<AddValues>();
  const add = useSchedulesStore((state) => state.add);
  const [error, setError] = useState<string | null>(null);
  const submit = async (values: AddValues): Promise<void> => {
    setError(null);
    try {
      await add({
        name: values.name,
        cron: values.cron,
        timeZone: values.timeZone,
        opensAfterMs: Math.round(values.opensAfterS * 1_000),
        template: { name: values.name, target: values.target, item: values.item, accounts: { count: values.count } },
      });
      form.resetFields();
      onClose();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : (caught as Error).message);
    }
  };
  return (
    <Modal
      open={open}
      title={t('schedules.add')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('schedules.add')}
    >
      <Form<AddValues>
        form={form}
        layout="vertical"
        onFinish={(values) => void submit(values)}
        initialValues={{
          cron: '59 7 * * *',
          timeZone: 'Asia/Shanghai',
          opensAfterS: 60,
          target: 'simulator',
          count: 20,
        }}
      >
        <Form.Item name="name" label={t('campaigns.name')} rules={[{ required: true, message: t('form.required') }]}>
          <Input />
        </Form.Item>
        <Space.Compact block>
          <Form.Item name="cron" label={t('schedules.cron')} style={{ width: '40%' }} extra={t('schedules.cronHelp')}>
            <Input />
          </Form.Item>
          <Form.Item name="timeZone" label={t('campaignForm.timeZone')} style={{ width: '35%' }}>
            <Input />
          </Form.Item>
          <Form.Item name="opensAfterS" label={t('schedules.opensAfter')} style={{ width: '25%' }}>
            <InputNumber min={0} max={86_400} style={{ width: '100%' }} addonAfter="s" />
          </Form.Item>
        </Space.Compact>
        <Space.Compact block>
          <Form.Item name="target" label={t('campaigns.target')} style={{ width: '40%' }}>
            <Input />
          </Form.Item>
          <Form.Item
            name="item"
            label={t('campaigns.item')}
            style={{ width: '35%' }}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="count" label={t('campaignForm.accounts')} style={{ width: '25%' }}>
            <InputNumber min={1} style={{ width: '100%' }} />
          </Form.Item>
        </Space.Compact>
        {error && <Alert type="error" showIcon title={error} />}
      </Form>
    </Modal>
  );
}

export function SchedulesPanel() {
  const t = useT();
  const schedules = useSchedulesStore((state) => state.schedules);
  const setEnabled = useSchedulesStore((state) => state.setEnabled);
  const remove = useSchedulesStore((state) => state.remove);
  const [adding, setAdding] = useState(false);
  return (
    <>
      <Button type="primary" style={{ marginBottom: 16 }} onClick={() => setAdding(true)} data-testid="schedule-add">
        {t('schedules.add')}
      </Button>
      <AddSchedule open={adding} onClose={() => setAdding(false)} />
      <Table<ScheduleViewWire>
        data-testid="schedules-table"
        size="small"
        rowKey="id"
        dataSource={schedules}
        pagination={false}
        locale={{ emptyText: t('schedules.empty') }}
        expandable={{
          expandedRowRender: (schedule) => (
            <List
              size="small"
              header={t('schedules.recent')}
              dataSource={schedule.recent}
              locale={{ emptyText: t('schedules.noRuns') }}
              renderItem={(run) => (
                <List.Item>
                  <Tag color={RUN_COLOURS[run.state]}>{t(`schedules.run.${run.state}`)}</Tag>
                  {formatZoned(run.runAtMs, schedule.timeZone)} {run.message ?? ''}
                </List.Item>
              )}
            />
          ),
        }}
        columns={[
          { title: t('campaigns.name'), dataIndex: 'name' },
          { title: t('schedules.cron'), dataIndex: 'cron', width: 120, render: (cron: string) => <code>{cron}</code> },
          { title: t('campaignForm.timeZone'), dataIndex: 'timeZone', width: 140 },
          {
            title: t('schedules.next'),
            render: (_, schedule) =>
              schedule.next.length === 0 ? (
                <Typography.Text type="secondary">{t('schedules.disabled')}</Typography.Text>
              ) : (
                <div data-testid="schedule-next">
                  {schedule.next.map((run) => (
                    <div key={run.armAtMs} style={{ fontVariantNumeric: 'tabular-nums', fontSize: 12 }}>
                      {t('schedules.armOpen', {
                        arm: formatZoned(run.armAtMs, schedule.timeZone).slice(0, 19),
                        open: formatZoned(run.opensAtMs, schedule.timeZone).slice(11, 19),
                      })}
                    </div>
                  ))}
                </div>
              ),
          },
          {
            title: t('schedules.enabled'),
            width: 90,
            render: (_, schedule) => (
              <Switch checked={schedule.enabled} onChange={(enabled) => void setEnabled(schedule.id, enabled)} />
            ),
          },
          {
            title: '',
            width: 90,
            render: (_, schedule) => (
              <Popconfirm title={t('schedules.removeConfirm')} onConfirm={() => void remove(schedule.id)}>
                <Button size="small" danger>
                  {t('common.remove')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
    </>
  );
}
