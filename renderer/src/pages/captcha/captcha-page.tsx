// Captcha: every model with its card (accuracy per style, how it was trained) and the targets that use it; each
// target's model, switched in one action; the captchas kept for each target and a fine-tune from them, with its
// progress and the new model compared with the old on the held-out share before the target switches.
import { useEffect } from 'react';
import { Alert, Button, Card, Descriptions, Progress, Select, Space, Table, Tag, Typography } from 'antd';
import type { CaptchaModelViewWire, CaptchaTargetViewWire } from '../../../../electron/ipc/contract';
import { useCaptchaStore } from '../../stores/captcha-store';
import { useT } from '../../i18n';

const percent = (share: number | null | undefined): string =>
  share === null || share === undefined ? '—' : `${(share * 100).toFixed(1)}%`;

const FINE_TUNE_MINUTES = 10;

function ModelCard({ model }: { model: CaptchaModelViewWire }) {
  const t = useT();
  const training = model.training as Record<string, unknown>;
  return (
    <Card
      size="small"
      data-testid={`captcha-model-${model.name}`}
      title={
        <Space>
          <span>{model.name}</span>
          <Tag>{model.shipped ? t('captcha.shipped') : t('captcha.trainedHere')}</Tag>
        </Space>
      }
    >
      <Descriptions size="small" column={2}>
        <Descriptions.Item label={t('captcha.accuracy')}>{percent(model.accuracy)}</Descriptions.Item>
        <Descriptions.Item label={t('captcha.usedBy')}>
          {model.usedBy.length > 0 ? model.usedBy.map((id) => <Tag key={id}>{id}</Tag>) : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('captcha.charset')}>
          <Typography.Text code>{model.charset}</Typography.Text>
          {model.caseInsensitive ? ` (${t('captcha.caseInsensitive')})` : ''}
        </Descriptions.Item>
        <Descriptions.Item
          label={t('captcha.input')}
        >{`${model.input.height} × ${model.input.width}`}</Descriptions.Item>
        <Descriptions.Item label={t('captcha.trainedOn')} span={2}>
          {String(training.data ?? '—')}
          {training.heldOut ? ` · ${t('captcha.keptOut')}: ${String(training.heldOut)}` : ''}
        </Descriptions.Item>
      </Descriptions>
      {Object.keys(model.perStyle).length > 0 && (
        <Table
          size="small"
          pagination={false}
          rowKey="style"
          dataSource={Object.entries(model.perStyle).map(([style, measured]) => ({ style, ...measured }))}
          columns={[
            { title: t('captcha.style'), dataIndex: 'style' },
            { title: t('captcha.samples'), dataIndex: 'samples', width: 100 },
            {
              title: t('captcha.sequenceAccuracy'),
              dataIndex: 'sequence',
              width: 140,
              render: (value: number) => percent(value),
            },
          ]}
        />
      )}
    </Card>
  );
}

function TargetRow({ target, models }: { target: CaptchaTargetViewWire; models: CaptchaModelViewWire[] }) {
  const t = useT();
  const training = useCaptchaStore((state) => state.training[target.targetId]);
  const busy = useCaptchaStore((state) => state.busy);
  const setModel = useCaptchaStore((state) => state.setModel);
  const fineTune = useCaptchaStore((state) => state.fineTune);
  const running = training?.state === 'running';
  return (
    <Card size="small" data-testid={`captcha-target-${target.targetId}`} title={target.name}>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Space wrap>
          <span>{t('captcha.model')}</span>
          <Select
            data-testid={`captcha-model-select-${target.targetId}`}
            aria-label={t('captcha.model')}
            style={{ minWidth: 220 }}
            value={target.model ?? undefined}
            disabled={busy || running}
            options={models.map((model) => ({ value: model.name, label: model.name }))}
            onChange={(model: string) => void setModel(target.targetId, model)}
          />
          {target.chosen ? (
            <Button size="small" onClick={() => void setModel(target.targetId, null)}>
              {t('captcha.useProfileModel')}
            </Button>
          ) : (
            <Typography.Text type="secondary">{t('captcha.fromProfile')}</Typography.Text>
          )}
        </Space>
        <Typography.Text data-testid={`captcha-samples-${target.targetId}`}>
          {t('captcha.samplesWaiting', {
            waiting: target.samples.waiting,
            usable: target.samples.usable,
            rejected: target.samples.rejected,
          })}
        </Typography.Text>
        <Button
          data-testid={`captcha-fine-tune-${target.targetId}`}
          disabled={busy || running || target.samples.usable < 20 || target.model === null}
          onClick={() => void fineTune(target.targetId, FINE_TUNE_MINUTES)}
        >
          {t('captcha.fineTune', { count: target.samples.usable, minutes: FINE_TUNE_MINUTES })}
        </Button>
        {training && (
          <div data-testid={`captcha-training-${target.targetId}`}>
            {running ? (
              <>
                <Progress percent={100} status="active" showInfo={false} />
                <Typography.Text type="secondary">
                  {training.stage}
                  {training.line ? ` — ${training.line}` : ''}
                </Typography.Text>
              </>
            ) : (
              <Alert
                type={training.state === 'failed' ? 'error' : training.state === 'switched' ? 'success' : 'info'}
                showIcon
                title={training.message ?? training.state}
              />
            )}
          </div>
        )}
      </Space>
    </Card>
  );
}

export function CaptchaPage() {
  const t = useT();
  const models = useCaptchaStore((state) => state.models);
  const targets = useCaptchaStore((state) => state.targets);
  const error = useCaptchaStore((state) => state.error);
  const load = useCaptchaStore((state) => state.load);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Typography.Title level={3}>{t('nav.captcha')}</Typography.Title>
      <Typography.Paragraph>{t('captcha.intro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon closable title={error} />}
      <Typography.Title level={4}>{t('captcha.targets')}</Typography.Title>
      {targets.map((target) => (
        <TargetRow key={target.targetId} target={target} models={models} />
      ))}
      <Typography.Title level={4}>{t('captcha.models')}</Typography.Title>
      {models.map((model) => (
        <ModelCard key={model.name} model={model} />
      ))}
    </Space>
  );
}
