// One campaign on the operations board: its server-time countdown, the open instant in the target's zone and the
// operator's side by side, the readiness that matters at T−60 s (clock offset ± bound and its age, accounts leased /
// signed in / sat out and why, the endpoints' breakers, the captcha reader) and, while it fires, its results.
import { Button, Card, Descriptions, Popconfirm, Space, Tag, Typography } from 'antd';
import type { CampaignViewWire, ReadinessWire } from '../../../../electron/ipc/contract';
import { useCampaignsStore } from '../../stores/campaigns-store';
import { useClockStore } from '../../stores/clock-store';
import { useBoardStore } from '../../stores/board-store';
import { useNavigationStore } from '../../stores/navigation-store';
import { useT, hasMessage, type MessageKey } from '../../i18n';
import { formatCountdown, formatZoned } from '../../components/zoned-time';
import { localZone } from '../../components/instant';
import { useNow } from '../../components/use-now';
import { STATE_COLOURS } from '../campaigns/campaign-list';

/** A clock estimate older than this, or looser than this, is worth a look before the instant. */
const STALE_CLOCK_MS = 120_000;
const LOOSE_BOUND_MS = 50;

export function CampaignBoardCard({ campaign }: { campaign: CampaignViewWire }) {
  const t = useT();
  const now = useNow(100);
  const readiness = useBoardStore((state) => state.readiness[campaign.id] ?? null);
  const consoleClock = useClockStore((state) => state.status?.current ?? null);
  const clock = readiness?.clock ?? consoleClock;
  const arm = useCampaignsStore((state) => state.arm);
  const cancel = useCampaignsStore((state) => state.cancel);
  const openCampaign = useNavigationStore((state) => state.openCampaign);
  const serverNow = now + (clock?.offsetMs ?? 0);
  const running = campaign.state === 'armed' || campaign.state === 'firing';
  const zone = localZone();
  return (
    <Card
      size="small"
      data-testid="board-campaign"
      title={
        <Space wrap>
          <Button type="link" style={{ padding: 0 }} onClick={() => openCampaign(campaign.id)}>
            {campaign.name}
          </Button>
          <Tag color={STATE_COLOURS[campaign.state]} data-testid="board-state">
            {t(`campaign.state.${campaign.state}`)}
          </Tag>
          <Typography.Text type="secondary">
            {campaign.targetId} · {campaign.itemId}
          </Typography.Text>
        </Space>
      }
      extra={
        <Space>
          {campaign.state === 'draft' && (
            <Button size="small" type="primary" onClick={() => void arm(campaign.id).catch(() => undefined)}>
              {t('campaign.arm')}
            </Button>
          )}
          {running && (
            <Popconfirm
              title={t('campaign.cancelConfirm', { name: campaign.name })}
              okText={t('campaign.cancel')}
              cancelText={t('common.keep')}
              okButtonProps={{ danger: true }}
              onConfirm={() => void cancel(campaign.id).catch(() => undefined)}
            >
              <Button size="small" danger>
                {t('campaign.cancel')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      }
    >
      <Space size={40} wrap align="start">
        <div>
          <div
            data-testid="board-countdown"
            style={{ fontSize: 32, fontWeight: 600, fontVariantNumeric: 'tabular-nums', lineHeight: 1.2 }}
          >
            {running || campaign.state === 'draft'
              ? formatCountdown(campaign.openAtServerMs - serverNow)
              : t(`campaign.ended.${campaign.state as 'completed'}`)}
          </div>
          <Typography.Text type="secondary">{t('board.serverTime')}</Typography.Text>
        </div>
        <Descriptions size="small" column={1} data-testid="board-opens">
          <Descriptions.Item label={t('board.opensTarget', { zone: campaign.timeZone })}>
            {formatZoned(campaign.openAtServerMs, campaign.timeZone)}
          </Descriptions.Item>
          <Descriptions.Item label={t('board.opensLocal', { zone })}>
            {formatZoned(campaign.openAtServerMs, zone)}
          </Descriptions.Item>
        </Descriptions>
      </Space>
      <Readiness campaign={campaign} readiness={readiness} />
    </Card>
  );
}

function Readiness({ campaign, readiness }: { campaign: CampaignViewWire; readiness: ReadinessWire | null }) {
  const t = useT();
  // The campaign's own clock (its target's time source) once it has probed it; the console's latest until then.
  const consoleClock = useClockStore((state) => state.status?.current ?? null);
  const clock = readiness?.clock ?? consoleClock;
  const reason = (key: string): string => (hasMessage(`satOut.${key}`) ? t(`satOut.${key}` as 'satOut.sign-in') : key);
  const ended = !['draft', 'armed', 'firing'].includes(campaign.state);
  const phase = ended ? 'done' : (readiness?.phase ?? (campaign.state === 'draft' ? null : 'waiting'));
  const clockWarn = clock !== null && (clock.ageMs > STALE_CLOCK_MS || clock.boundMs > LOOSE_BOUND_MS);
  const item = (key: MessageKey, children: React.ReactNode) => ({ key, label: t(key), children });
  const items = [
    item(
      'board.phase',
      <span data-testid="board-phase">{phase ? t(`board.phase.${phase}`) : t('board.phase.draft')}</span>,
    ),
    !ended &&
      item(
        'board.clock',
        <span data-testid="board-clock">
          {clock ? (
            <Typography.Text type={clockWarn ? 'warning' : undefined}>
              {t('board.clockValue', {
                offset: `${clock.offsetMs >= 0 ? '+' : ''}${clock.offsetMs.toFixed(1)}`,
                bound: clock.boundMs.toFixed(1),
                age: (clock.ageMs / 1_000).toFixed(0),
              })}
            </Typography.Text>
          ) : (
            t('campaign.offset.unknown')
          )}
        </span>,
      ),
    !ended &&
      item(
        'board.accounts',
        <span data-testid="board-accounts">
          {readiness && readiness.phase !== 'waiting' && readiness.phase !== 'arming'
            ? [
                t('board.leased', { count: readiness.accounts.leased }),
                readiness.accounts.signInNeeded
                  ? t('board.signedIn', { count: readiness.accounts.signedIn })
                  : t('board.noSignIn'),
                readiness.accounts.satOut > 0
                  ? t('board.satOut', {
                      count: readiness.accounts.satOut,
                      reasons: Object.entries(readiness.accounts.byReason)
                        .map(([key, n]) => `${n} ${reason(key)}`)
                        .join(', '),
                    })
                  : null,
              ]
                .filter(Boolean)
                .join(' · ')
            : t('board.accountsLater')}
        </span>,
      ),
    !ended &&
      item(
        'board.endpoints',
        <Space size={4} wrap data-testid="board-endpoints">
          {(readiness?.endpoints ?? []).map((endpoint) => (
            <Tag
              key={endpoint.url}
              color={endpoint.breaker === null ? 'default' : endpoint.breaker === 'closed' ? 'green' : 'red'}
            >
              {endpoint.url.replace(/^https?:\/\//, '')}:{' '}
              {endpoint.breaker === null ? t('board.endpointUnchecked') : t(`breaker.${endpoint.breaker}`)}
            </Tag>
          ))}
          {!readiness && '—'}
        </Space>,
      ),
    !ended &&
      item(
        'board.captcha',
        <span data-testid="board-captcha">{readiness ? t(`board.captcha.${readiness.captcha}`) : '—'}</span>,
      ),
    item(
      'board.results',
      <span data-testid="board-results">
        {readiness && readiness.phase !== 'waiting' && readiness.phase !== 'done'
          ? t('board.liveResults', {
              booked: readiness.booked,
              done: readiness.done,
              leased: readiness.accounts.leased,
            })
          : t('board.resultsValue', {
              booked: campaign.intents.booked,
              notBooked: campaign.intents.notBooked,
              unknown: campaign.intents.unknown,
            })}
      </span>,
    ),
  ].filter((entry) => entry !== false);
  return (
    <Descriptions
      size="small"
      bordered
      column={{ xs: 1, md: 2 }}
      style={{ marginTop: 12 }}
      data-testid="board-readiness"
      items={items}
    />
  );
}
