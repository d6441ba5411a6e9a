// Instants shown and entered in a named time zone (the target's), whatever the browser's own zone is.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let found = formatters.get(zone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      fractionalSecondDigits: 3,
    });
    formatters.set(zone, found);
  }
  return found;
}

function parts(ms: number, zone: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of formatter(zone).formatToParts(new Date(ms))) out[part.type] = part.value;
  return out;
}

/** "2026-11-26 08:00:00.000" in `zone`. */
export function formatZoned(ms: number, zone: string): string {
  const p = parts(ms, zone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}.${p.fractionalSecond}`;
}

/** The zone's offset from UTC at `ms`, in minutes. */
export function zoneOffsetMinutes(ms: number, zone: string): number {
  const p = parts(ms, zone);
  const asUtc = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!, +p.fractionalSecond!);
  return Math.round((asUtc - ms) / 60_000);
}

/** "2026-11-26 08:00:00[.sss]" read in `zone` → epoch ms; null when the text is not such a time. */
export function parseZoned(text: string, zone: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s, frac] = match;
  const asUtc = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +(s ?? 0), +(frac ?? '0').padEnd(3, '0'));
  // Two passes settle the offset, also next to a daylight-saving change.
  let guess = asUtc - zoneOffsetMinutes(asUtc, zone) * 60_000;
  guess = asUtc - zoneOffsetMinutes(guess, zone) * 60_000;
  return guess;
}

/** "−00:00:12.345" style countdown (negative once passed). */
export function formatCountdown(ms: number): string {
  const sign = ms < 0 ? '+' : '−';
  const abs = Math.abs(ms);
  const h = Math.floor(abs / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const s = Math.floor((abs % 60_000) / 1_000);
  const milli = Math.floor(abs % 1_000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `T${sign}${pad(h)}:${pad(m)}:${pad(s)}.${pad(milli, 3)}`;
}
