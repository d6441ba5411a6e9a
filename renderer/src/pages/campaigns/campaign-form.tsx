// Create a campaign: target, item, open instant in the target's time zone (or the simulator's announced instant),
// accounts by count/group/tag, strategy and lead (with the lead the target's history suggests), limits (checked
// against the profile's caps by the main side, whose message names the field), notifiers. A console that joined a
// cluster may instead run it across the cluster: dealt to the live nodes at once, coordinated from here.
import { targetLabel } from '../../components/target-label';
import { useEffect, useRef, useState } from 'react';
import type { InputRef } from 'antd';
import { Alert, Button, Checkbox, Form, Input, InputNumber, Modal, Radio, Select, Space, Typography } from 'antd';
import type { CampaignViewWire } from '../../../../electron/ipc/contract';
import { api, ApiError } from '../../api';
import { useCampaignsStore } from '../../stores/campaigns-store';
import { useTargetListStore } from '../../stores/target-list-store';
import { useNotifiersStore } from '../../stores/notifiers-store';
import { useT } from '../../i18n';
import { formatZoned, parseZoned } from '../../components/zoned-time';

interface FormValues {
  name: string;
  target: string;
  item: string;
  useItemInstant: boolean;
  opensAtText?: string;
  timeZone: string;
  count: number;
  group?: string;
  tag?: string;
  strategy: 'single' | 'salvo';
  salvo: number;
  leadMs: number;
  maxDurationMs: number;
  targetRatePerSec?: number;
  accountRatePerSec?: number;
  notify: number[];
}

interface StoredSpec {
  name: string;
  target: string;
  item: string;
  opensAt: number | string;
  timeZone?: string;
  accounts: { count: number; group?: string; tag?: string };
  strategy: { kind: 'single' | 'salvo'; salvo: number; leadMs: number };
  limits: { maxDurationMs: number; targetRatePerSec?: number; accountRatePerSec?: number };
  notify?: number[];
}

/** The form's values for a stored campaign (editing a draft). */
function valuesOf(campaign: CampaignViewWire): Partial<FormValues> {
  const spec = campaign.spec as StoredSpec;
  return {
    name: spec.name,
    target: spec.target,
    item: spec.item,
    useItemInstant: spec.opensAt === 'item',
    opensAtText: formatZoned(campaign.openAtServerMs, campaign.timeZone),
    timeZone: campaign.timeZone,
    count: spec.accounts.count,
    group: spec.accounts.group,
    tag: spec.accounts.tag,
    strategy: spec.strategy.kind,
    salvo: spec.strategy.salvo,
    leadMs: spec.strategy.leadMs,
    maxDurationMs: spec.limits.maxDurationMs,
    targetRatePerSec: spec.limits.targetRatePerSec,
    accountRatePerSec: spec.limits.accountRatePerSec,
    notify: spec.notify ?? [],
  };
}

export function CampaignForm({
  open,
  onClose,
  editing = null,
}: {
  open: boolean;
  onClose: () => void;
  /** A draft to edit; null creates a new campaign. */
  editing?: CampaignViewWire | null;
}) {
  const t = useT();
  const [form] = Form.useForm<FormValues>();
  const firstField = useRef<InputRef>(null);
  const create = useCampaignsStore((state) => state.create);
  const runAcrossCluster = useCampaignsStore((state) => state.runAcrossCluster);
  // Live nodes other than this console (it coordinates, they drive); null: not joined to a cluster.
  const [clusterNodes, setClusterNodes] = useState<number | null>(null);
  const across = useRef(false);
  const update = useCampaignsStore((state) => state.update);
  const select = useCampaignsStore((state) => state.select);
  const targets = useTargetListStore((state) => state.targets);
  const notifiers = useNotifiersStore((state) => state.notifiers);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [history, setHistory] = useState<{ target: string; lead: number | null } | null>(null);
  const target = Form.useWatch('target', form);
  const useItemInstant = Form.useWatch('useItemInstant', form);
  const strategy = Form.useWatch('strategy', form);
  // The open instant is typed in the target's zone, like every instant the console shows; another can be typed.
  const targetZone = targets.find((x) => x.id === target)?.timeZone;
  useEffect(() => {
    if (targetZone && !editing) form.setFieldValue('timeZone', targetZone);
  }, [targetZone, editing, form]);

  useEffect(() => {
    if (!open) return;
    void useTargetListStore.getState().refresh();
    void useNotifiersStore.getState().refresh();
    void api
      .invoke('cluster/status', {})
      .then((status) =>
        setClusterNodes(
          status.joined
            ? status.nodes.filter((node) => node.health === 'live' && node.nodeId !== status.nodeId).length
            : null,
        ),
      )
      .catch(() => setClusterNodes(null));
  }, [open]);
  useEffect(() => {
    if (!target) return;
    void api
      .invoke('reports/open-history', { targetId: target })
      .then((found) => setHistory({ target, lead: found.suggestedLeadMs }))
      .catch(() => undefined);
  }, [target]);
  const suggestedLead = history && history.target === target ? history.lead : null;

  const submit = async (values: FormValues): Promise<void> => {
    setError(null);
    let opensAt: number | 'item' = 'item';
    if (!values.useItemInstant) {
      const parsed = parseZoned(values.opensAtText ?? '', values.timeZone);
      if (parsed === null) {
        setError(t('campaignForm.badInstant'));
        return;
      }
      opensAt = parsed;
    }
    setSaving(true);
    try {
      const spec = {
        name: values.name,
        target: values.target,
        item: values.item,
        opensAt,
        timeZone: values.timeZone,
        accounts: {
          count: values.count,
          ...(values.group ? { group: values.group } : {}),
          ...(values.tag ? { tag: values.tag } : {}),
        },
        strategy: { kind: values.strategy, salvo: values.salvo, leadMs: values.leadMs },
        limits: {
          maxDurationMs: values.maxDurationMs,
          ...(values.targetRatePerSec ? { targetRatePerSec: values.targetRatePerSec } : {}),
          ...(values.accountRatePerSec ? { accountRatePerSec: values.accountRatePerSec } : {}),
        },
        ...(values.notify.length > 0 ? { notify: values.notify } : {}),
      };
      const campaign = editing
        ? await update(editing.id, spec)
        : across.current
          ? await runAcrossCluster(spec)
          : await create(spec);
      select(campaign.id);
      onClose();
      form.resetFields();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : (caught as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={editing ? t('campaignForm.editTitle') : t('campaignForm.title')}
      destroyOnHidden
      onCancel={onClose}
      width={640}
      // Focus lands on the first field, not on the close button (where Space would close the dialog).
      afterOpenChange={(opened) => opened && firstField.current?.focus()}
      footer={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          {!editing && clusterNodes !== null && (
            <Button
              loading={saving}
              disabled={clusterNodes === 0}
              title={clusterNodes === 0 ? t('campaignForm.noNodes') : undefined}
              data-testid="campaign-run-cluster"
              onClick={() => {
                across.current = true;
                form.submit();
              }}
            >
              {t('campaignForm.runAcrossCluster', { count: clusterNodes })}
            </Button>
          )}
          <Button
            type="primary"
            loading={saving}
            data-testid="campaign-create"
            onClick={() => {
              across.current = false;
              form.submit();
            }}
          >
            {editing ? t('common.save') : t('campaignForm.create')}
          </Button>
        </Space>
      }
    >
      <Form<FormValues>
        form={form}
        layout="vertical"
        onFinish={(values) => void submit(values)}
        onKeyDown={(event) => {
          // Enter in a field submits (not in a list that is open, where Enter picks an option).
          const target = event.target as HTMLElement;
          if (event.key !== 'Enter' || target.tagName !== 'INPUT' || target.closest('.ant-select')) return;
          event.preventDefault();
          across.current = false; // Enter creates, as the primary button does
          form.submit();
        }}
        preserve={false}
        initialValues={{
          name: '',
          target: 'simulator',
          item: '',
          useItemInstant: true,
          timeZone: targets.find((x) => x.id === 'simulator')?.timeZone ?? 'UTC',
          count: 20,
          strategy: 'single',
          salvo: 3,
          leadMs: 0,
          maxDurationMs: 15_000,
          notify: [],
          ...(editing ? valuesOf(editing) : {}),
        }}
        data-testid="campaign-form"
      >
        <Form.Item name="name" label={t('campaigns.name')} rules={[{ required: true, message: t('form.required') }]}>
          <Input data-testid="campaign-name" ref={firstField} />
        </Form.Item>
        <Space.Compact block>
          <Form.Item name="target" label={t('campaigns.target')} style={{ width: '50%' }}>
            <Select options={targets.map((target) => ({ value: target.id, label: targetLabel(target, t) }))} />
          </Form.Item>
          <Form.Item
            name="item"
            label={t('campaigns.item')}
            style={{ width: '50%' }}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input data-testid="campaign-item" />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="useItemInstant" valuePropName="checked">
          <Checkbox disabled={target !== 'simulator'} data-testid="campaign-item-instant">
            {t('campaignForm.itemInstant')}
          </Checkbox>
        </Form.Item>
        {!(useItemInstant && target === 'simulator') && (
          <Space.Compact block>
            <Form.Item
              name="opensAtText"
              label={t('campaignForm.opensAt')}
              style={{ width: '60%' }}
              rules={[{ required: true, message: t('form.required') }]}
            >
              <Input placeholder="2026-11-26 08:00:00" data-testid="campaign-opens-at" />
            </Form.Item>
            <Form.Item name="timeZone" label={t('campaignForm.timeZone')} style={{ width: '40%' }}>
              <Input data-testid="campaign-zone" />
            </Form.Item>
          </Space.Compact>
        )}
        <Space.Compact block>
          <Form.Item name="count" label={t('campaignForm.accounts')} style={{ width: '34%' }}>
            <InputNumber min={1} max={100_000} style={{ width: '100%' }} data-testid="campaign-count" />
          </Form.Item>
          <Form.Item name="group" label={t('accounts.group')} style={{ width: '33%' }}>
            <Input />
          </Form.Item>
          <Form.Item name="tag" label={t('campaignForm.tag')} style={{ width: '33%' }}>
            <Input />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="strategy" label={t('campaignForm.strategy')}>
          <Radio.Group
            optionType="button"
            options={[
              { value: 'single', label: t('campaignForm.single') },
              { value: 'salvo', label: t('campaignForm.salvo') },
            ]}
          />
        </Form.Item>
        <Space.Compact block>
          {strategy === 'salvo' && (
            <Form.Item name="salvo" label={t('campaignForm.salvoShots')} style={{ width: '30%' }}>
              <InputNumber min={2} max={10} style={{ width: '100%' }} />
            </Form.Item>
          )}
          <Form.Item
            name="leadMs"
            label={t('campaignForm.lead')}
            style={{ width: '70%' }}
            extra={
              suggestedLead !== null ? (
                <Typography.Link
                  data-testid="use-suggested-lead"
                  onClick={() => form.setFieldValue('leadMs', suggestedLead)}
                >
                  {t('campaignForm.suggestedLead', { lead: suggestedLead })}
                </Typography.Link>
              ) : (
                t('campaignForm.noHistory')
              )
            }
          >
            <InputNumber min={-5_000} max={5_000} style={{ width: '100%' }} addonAfter="ms" />
          </Form.Item>
        </Space.Compact>
        <Space.Compact block>
          <Form.Item name="maxDurationMs" label={t('campaignForm.maxDuration')} style={{ width: '34%' }}>
            <InputNumber min={100} max={3_600_000} style={{ width: '100%' }} addonAfter="ms" />
          </Form.Item>
          <Form.Item name="targetRatePerSec" label={t('campaignForm.targetRate')} style={{ width: '33%' }}>
            <InputNumber min={0.1} style={{ width: '100%' }} addonAfter="/s" />
          </Form.Item>
          <Form.Item name="accountRatePerSec" label={t('campaignForm.accountRate')} style={{ width: '33%' }}>
            <InputNumber min={0.1} style={{ width: '100%' }} addonAfter="/s" />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="notify" label={t('campaignForm.notify')}>
          <Select
            mode="multiple"
            options={notifiers.map((notifier) => ({
              value: notifier.id,
              label: `${notifier.name} (${notifier.kind})`,
            }))}
            placeholder={t('campaignForm.notifyNone')}
          />
        </Form.Item>
        {error && <Alert type="error" showIcon title={error} data-testid="campaign-form-error" />}
      </Form>
    </Modal>
  );
}
