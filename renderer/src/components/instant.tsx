// One instant as the console shows it everywhere: in the target's zone, with the operator's local time on hover
// (or the reverse, a setting), each with its zone's name, so the same instant reads the same on every page.
import { useCallback } from 'react';
import { useSettingsStore } from '../stores/settings-store';
import { formatZoned } from './zoned-time';

/** The operator's own zone (the browser's). */
export const localZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

export interface InstantText {
  /** "2026-12-02 08:00:00.000 Asia/Shanghai" in the zone the settings choose. */
  shown: string;
  /** The same instant in the other zone, for the hover. */
  other: string;
}

/** Formats instants the way the settings say; `precision` 'second' drops the milliseconds. */
export function useInstantFormat(): (ms: number, targetZone: string, precision?: 'ms' | 'second') => InstantText {
  const timeShown = useSettingsStore((state) => state.timeShown);
  return useCallback(
    (ms, targetZone, precision = 'ms') => {
      const text = (zone: string): string => {
        const full = formatZoned(ms, zone);
        return `${precision === 'second' ? full.slice(0, 19) : full} ${zone}`;
      };
      const target = text(targetZone);
      const local = text(localZone());
      return timeShown === 'target' ? { shown: target, other: local } : { shown: local, other: target };
    },
    [timeShown],
  );
}

export function Instant({
  ms,
  zone,
  precision,
  testId,
}: {
  ms: number;
  zone: string;
  precision?: 'ms' | 'second';
  testId?: string;
}) {
  const format = useInstantFormat();
  const { shown, other } = format(ms, zone, precision);
  return (
    <time dateTime={new Date(ms).toISOString()} title={other} data-testid={testId} style={{ whiteSpace: 'nowrap' }}>
      {shown}
    </time>
  );
}
