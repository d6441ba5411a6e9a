// The large countdown to the open instant in *server* time, with the clock's offset ± bound beside it.
import { useEffect, useState } from 'react';
import { Space, Statistic, Typography } from 'antd';
import { useClockStore } from '../../stores/clock-store';
import { useT } from '../../i18n';
import { formatCountdown, formatZoned } from '../../components/zoned-time';

export function Countdown({ openAtServerMs, timeZone }: { openAtServerMs: number; timeZone: string }) {
  const t = useT();
  const current = useClockStore((state) => state.status?.current ?? null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    let frame = 0;
    let last = 0;
    const tick = (at: number): void => {
      frame = requestAnimationFrame(tick);
      if (at - last >= 50) {
        last = at;
        setNow(Date.now());
      }
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, []);
  const offset = current?.offsetMs ?? 0;
  const serverNow = now + offset;
  return (
    <Space size={48} align="start" wrap>
      <div data-testid="countdown">
        <Typography.Text type="secondary">{t('campaign.countdown')}</Typography.Text>
        <div style={{ fontSize: 40, fontVariantNumeric: 'tabular-nums', fontWeight: 600, lineHeight: 1.2 }}>
          {formatCountdown(openAtServerMs - serverNow)}
        </div>
        <Typography.Text type="secondary">
          {t('campaign.serverNow', { time: formatZoned(serverNow, timeZone), zone: timeZone })}
        </Typography.Text>
      </div>
      <Statistic
        title={t('campaign.offset')}
        value={
          current
            ? `${offset >= 0 ? '+' : ''}${offset.toFixed(1)} ± ${current.boundMs.toFixed(1)} ms`
            : t('campaign.offset.unknown')
        }
        data-testid="clock-offset"
      />
    </Space>
  );
}
