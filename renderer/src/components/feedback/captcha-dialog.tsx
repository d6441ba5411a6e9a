// A captcha the model could not read with confidence: the image, a countdown to its expiry, and an input; Enter
// answers. Several waiting captchas are answered one after another; expired ones drop out.
import { useEffect, useRef, useState } from 'react';
import { Input, Modal, Progress, Space, Typography, type InputRef } from 'antd';
import type { EventPayload } from '../../../../electron/ipc/contract';
import { api } from '../../api';
import { useT } from '../../i18n';
import { useNow } from '../use-now';

type Needed = EventPayload<'captcha/needed'>;

export function CaptchaDialog() {
  const t = useT();
  const [queue, setQueue] = useState<Needed[]>([]);
  const [answer, setAnswer] = useState('');
  const input = useRef<InputRef>(null);
  const now = useNow(100);
  useEffect(
    () =>
      api.on('captcha/needed', (events) =>
        setQueue((current) => [...current.filter((item) => item.expiresAtMs > Date.now()), ...events]),
      ),
    [],
  );
  const current = queue.find((item) => item.expiresAtMs > now) ?? null;
  const waiting = queue.filter((item) => item.expiresAtMs > now).length;
  useEffect(() => {
    const timer = setTimeout(() => input.current?.focus(), 50);
    return () => clearTimeout(timer);
  }, [current?.requestId]);
  if (!current) return null;
  const leftMs = current.expiresAtMs - now;
  const done = (): void => {
    setAnswer('');
    setQueue((items) => items.filter((item) => item.requestId !== current.requestId && item.expiresAtMs > Date.now()));
  };
  const submit = (): void => {
    if (answer.trim() === '') return;
    void api.invoke('captcha/answer', { requestId: current.requestId, answer: answer.trim() }).catch(() => undefined);
    done();
  };
  return (
    <Modal
      open
      title={t('captcha.title', { waiting })}
      onOk={submit}
      okText={t('captcha.answer')}
      okButtonProps={{ disabled: answer.trim() === '' }}
      onCancel={done}
      data-testid="captcha-dialog"
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <img
          alt="captcha"
          src={`data:image/png;base64,${current.imageBase64}`}
          style={{ imageRendering: 'pixelated', height: 64, background: '#fff' }}
          data-testid="captcha-image"
        />
        <Progress percent={Math.max(0, Math.min(100, (leftMs / 30_000) * 100))} showInfo={false} size="small" />
        <Typography.Text type="secondary">
          {t('captcha.expires', { seconds: Math.max(0, leftMs / 1_000).toFixed(1) })}
        </Typography.Text>
        <Input
          ref={input}
          value={answer}
          onChange={(event) => setAnswer(event.target.value)}
          onPressEnter={submit}
          placeholder={t('captcha.placeholder')}
          data-testid="captcha-input"
          autoComplete="off"
        />
      </Space>
    </Modal>
  );
}
