// The large countdown to the open instant in *server* time, with the clock's offset ± bound beside it; once the
// campaign has ended it stops and says how it ended instead of counting on.
import { Space, Statistic, Typography } from 'antd';
import type { CampaignViewWire } from '../../../../electron/ipc/contract';
import { useClockStore } from '../../stores/clock-store';
import { useT } from '../../i18n';
import { formatCountdown } from '../../components/zoned-time';
import { Instant } from '../../components/instant';
import { useNow } from '../../components/use-now';

const RUNNING = new Set(['draft', 'armed', 'firing']);

export function Countdown({
  openAtServerMs,
  timeZone,
  state,
}: {
  openAtServerMs: number;
  timeZone: string;
  state: CampaignViewWire['state'];
}) {
  const t = useT();
  const current = useClockStore((s) => s.status?.current ?? null);
  const running = RUNNING.has(state);
  const now = useNow(running ? 50 : 60_000);
  const offset = current?.offsetMs ?? 0;
  const serverNow = now + offset;
  return (
    <Space size={48} align="start" wrap>
      <div data-testid="countdown">
        <Typography.Text type="secondary">{t('campaign.countdown')}</Typography.Text>
        <div style={{ fontSize: 40, fontVariantNumeric: 'tabular-nums', fontWeight: 600, lineHeight: 1.2 }}>
          {running ? formatCountdown(openAtServerMs - serverNow) : t(`campaign.ended.${state as 'completed'}`)}
        </div>
        <Typography.Text type="secondary">
          {running ? t('campaign.serverNowLabel') : t('campaign.openedAtLabel')}{' '}
          <Instant ms={running ? serverNow : openAtServerMs} zone={timeZone} />
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
