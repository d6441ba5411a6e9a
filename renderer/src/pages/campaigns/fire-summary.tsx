// How a finished campaign's first shots left, from its stored run summary: send − released slot (p50, p99) on the
// local clock, how many were written ahead on the accounts' own connections (docs/engine.md, "Armed connections"),
// apart from that the budget's spacing of a burst larger than the bucket, and the accounts that sat out and why.
import { Typography } from 'antd';
import { useT, hasMessage } from '../../i18n';

interface FireFigures {
  shots: number;
  writtenAhead?: number;
  p50Ms: number | null;
  p99Ms: number | null;
  spacing?: { shots: number; p50Ms: number | null };
  satOut?: { total: number; byReason: Record<string, number> };
}

/** The summary's `fire` figures where the summary has them (older campaigns may not have `writtenAhead`). */
export function fireFigures(summary: unknown): FireFigures | null {
  const fire = (summary as { fire?: Partial<FireFigures> } | null)?.fire;
  if (!fire || typeof fire.shots !== 'number' || fire.shots === 0) return null;
  return {
    shots: fire.shots,
    writtenAhead: typeof fire.writtenAhead === 'number' ? fire.writtenAhead : undefined,
    p50Ms: typeof fire.p50Ms === 'number' ? fire.p50Ms : null,
    p99Ms: typeof fire.p99Ms === 'number' ? fire.p99Ms : null,
    spacing: fire.spacing,
    satOut: (summary as { satOut?: FireFigures['satOut'] }).satOut,
  };
}

const ms = (value: number | null): string => (value === null ? '—' : `${value.toFixed(2)} ms`);

export function FireSummary({ summary }: { summary: unknown }) {
  const t = useT();
  const fire = fireFigures(summary);
  if (!fire) return null;
  return (
    <Typography.Text type="secondary" data-testid="campaign-fire">
      {t('campaign.fire', { p50: ms(fire.p50Ms), p99: ms(fire.p99Ms), shots: fire.shots })}
      {fire.writtenAhead !== undefined &&
        ` · ${t('campaign.writtenAhead', { count: fire.writtenAhead, shots: fire.shots })}`}
      {fire.spacing &&
        fire.spacing.shots > 0 &&
        ` · ${t('campaign.spacing', { count: fire.spacing.shots, p50: ms(fire.spacing.p50Ms) })}`}
      {fire.satOut &&
        fire.satOut.total > 0 &&
        ` · ${t('campaign.satOut', {
          count: fire.satOut.total,
          reasons: Object.entries(fire.satOut.byReason)
            .map(
              ([reason, n]) =>
                `${n} ${hasMessage(`satOut.${reason}`) ? t(`satOut.${reason}` as 'satOut.fields') : reason}`,
            )
            .join(', '),
        })}`}
    </Typography.Text>
  );
}
