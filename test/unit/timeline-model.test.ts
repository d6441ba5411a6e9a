import { describe, expect, it } from 'vitest';
import { TimelineModel } from '../../renderer/src/components/timeline/timeline-model';
import { formatRelative, tickStep } from '../../renderer/src/components/timeline/draw-timeline';
import { formatCountdown, formatZoned, parseZoned } from '../../renderer/src/components/zoned-time';

const attempt = (id: number, over: Partial<Parameters<TimelineModel['add']>[0]> = {}) => ({
  attemptId: id,
  accountId: 1 + (id % 3),
  endpoint: `http://127.0.0.1:${8000 + (id % 2)}`,
  sentMs: 1_000 + id,
  latencyMs: 5,
  outcome: 'notOpen',
  retry: 0,
  ...over,
});

describe('timeline model', () => {
  it('keeps every attempt once, in rows per account and per endpoint, growing past its first capacity', () => {
    const model = new TimelineModel();
    for (let id = 1; id <= 5_000; id += 1) model.add(attempt(id));
    model.add(attempt(7)); // an event seen twice (live and from the stored page) is drawn once
    expect(model.count).toBe(5_000);
    expect(model.rows('account')).toBe(3);
    expect(model.rows('endpoint')).toBe(2);
    expect(model.minMs).toBe(1_001);
    expect(model.maxMs).toBe(6_005);
    expect(model.sent[4_999]).toBe(6_000);
  });

  it('finds the bar under a point within the slop, and files unknown outcomes as fatal', () => {
    const model = new TimelineModel();
    model.add(attempt(1, { accountId: 9, sentMs: 100, latencyMs: 10, outcome: 'success' }));
    model.add(attempt(2, { accountId: 9, sentMs: 200, latencyMs: null, outcome: 'mystery' }));
    expect(model.hit('account', 0, 105, 1)).toBe(0);
    expect(model.hit('account', 0, 112, 1)).toBe(-1);
    expect(model.hit('account', 0, 201, 2)).toBe(1);
    expect(model.outcome[0]).toBe(0);
    expect(model.outcome[1]).toBe(8);
    const version = model.version;
    model.clear();
    expect(model.count).toBe(0);
    expect(model.version).toBeGreaterThan(version);
  });

  it('stacks bars that overlap within a lane on separate tracks, and reuses a track once a bar ended', () => {
    const model = new TimelineModel();
    const endpoint = 'http://127.0.0.1:8000';
    // 20 first shots at once on one endpoint: each needs its own track.
    for (let id = 1; id <= 20; id += 1) model.add(attempt(id, { endpoint, sentMs: 1_000 + id * 0.1, latencyMs: 30 }));
    // A later shot after they all answered fits on the first track; one arriving out of order, before them, too.
    model.add(attempt(21, { endpoint, sentMs: 1_100, latencyMs: 5 }));
    model.add(attempt(22, { endpoint, sentMs: 900, latencyMs: 5 }));
    expect(model.laneTracks('endpoint')).toEqual([20]);
    expect(model.endpointTrack[20]).toBe(0);
    expect(model.endpointTrack[21]).toBe(0);
    // No two bars on one drawn row overlap in time.
    const { top, total } = model.layout('endpoint');
    expect(total).toBe(20);
    const byRow = new Map<number, Array<[number, number]>>();
    for (let i = 0; i < model.count; i += 1) {
      const row = top[model.endpointRow[i]!]! + model.endpointTrack[i]!;
      const bars = byRow.get(row) ?? [];
      for (const [start, end] of bars) {
        expect(model.sent[i]! >= end || model.sent[i]! + model.duration[i]! <= start).toBe(true);
      }
      bars.push([model.sent[i]!, model.sent[i]! + model.duration[i]!]);
      byRow.set(row, bars);
    }
    // The hit test finds a bar on its own track.
    expect(model.hit('endpoint', 19, 1_010, 0)).toBe(19);
  });

  it('labels ticks relative to the open instant at a readable step', () => {
    expect(formatRelative(0)).toBe('T');
    expect(formatRelative(-50)).toBe('T−50 ms');
    expect(formatRelative(1_500)).toBe('T+1.5 s');
    expect(tickStep(0.1)).toBe(10);
    expect(tickStep(1)).toBe(100);
  });
});

describe('instants in a named zone (console)', () => {
  it('parses and formats in the zone, across a daylight-saving change', () => {
    expect(parseZoned('2026-11-26 08:00:00', 'Asia/Shanghai')).toBe(Date.parse('2026-11-26T00:00:00Z'));
    expect(parseZoned('2026-03-29 03:30', 'Europe/Berlin')).toBe(Date.parse('2026-03-29T01:30:00Z'));
    expect(parseZoned('2026-03-28 03:30:00.250', 'Europe/Berlin')).toBe(Date.parse('2026-03-28T02:30:00.250Z'));
    expect(parseZoned('tomorrow at eight', 'UTC')).toBeNull();
    expect(formatZoned(Date.parse('2026-11-26T00:00:00.5Z'), 'Asia/Shanghai')).toBe('2026-11-26 08:00:00.500');
    expect(formatCountdown(61_234)).toBe('T−00:01:01.234');
    expect(formatCountdown(-5)).toBe('T+00:00:00.005');
  });
});
