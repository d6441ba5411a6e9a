// One attribution table as bars: each bucket's success rate, with its successes and attempts; a click drills into
// the attempts behind it.
import { Empty, Typography, theme } from 'antd';
import type { AttributionRowWire } from '../../../../electron/ipc/contract';
import { useT } from '../../i18n';

export function AttributionBars({
  rows,
  onDrill,
  testId,
}: {
  rows: AttributionRowWire[];
  onDrill: (row: AttributionRowWire) => void;
  testId: string;
}) {
  const t = useT();
  const { token } = theme.useToken();
  if (rows.length === 0) return <Empty description={t('reports.noAttempts')} />;
  const top = rows.slice(0, 200);
  return (
    <div data-testid={testId} style={{ maxHeight: 420, overflowY: 'auto' }}>
      {top.map((row) => (
        <div
          key={String(row.key)}
          role="button"
          tabIndex={0}
          data-testid="attribution-bar"
          onClick={() => onDrill(row)}
          onKeyDown={(event) => event.key === 'Enter' && onDrill(row)}
          style={{
            display: 'grid',
            gridTemplateColumns: '170px 1fr 130px',
            gap: 8,
            alignItems: 'center',
            padding: '3px 0',
            cursor: 'pointer',
          }}
        >
          <Typography.Text ellipsis style={{ fontSize: 12 }} title={row.bucket}>
            {row.bucket}
          </Typography.Text>
          <div style={{ background: token.colorFillSecondary, height: 14, borderRadius: 3, overflow: 'hidden' }}>
            <div
              style={{
                width: `${(row.successRate * 100).toFixed(1)}%`,
                background: token.colorSuccess,
                height: '100%',
              }}
            />
          </div>
          <Typography.Text style={{ fontSize: 12, fontVariantNumeric: 'tabular-nums' }}>
            {(row.successRate * 100).toFixed(1)}% · {row.successes}/{row.attempts}
          </Typography.Text>
        </div>
      ))}
      {rows.length > top.length && (
        <Typography.Text type="secondary">{t('reports.more', { count: rows.length - top.length })}</Typography.Text>
      )}
    </div>
  );
}
