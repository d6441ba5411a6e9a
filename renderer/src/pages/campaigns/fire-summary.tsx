// How a finished campaign's first shots left, from its stored run summary: send − planned (p50, p99) on the local
// clock, and how many were written ahead on the accounts' own connections (docs/engine.md, "Armed connections").
import { Typography } from 'antd';
import { useT } from '../../i18n';

interface FireFigures {
  shots: number;
  writtenAhead?: number;
  p50Ms: number | null;
  p99Ms: number | null;
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
    </Typography.Text>
  );
}
