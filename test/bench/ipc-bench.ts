// `tminus bench ipc`: engine events through the WebSocket transport into the rendered timeline in Chromium, one
// message per 16 ms frame (ours) vs one message per event (the baseline), in the same run. Offered load: 100,000
// `attempt/recorded` events, as fast as 200,000 per second. Reported: events/s that reached the timeline, frames/s the
// timeline painted while they came, emit → paint p99; then frames/s while the 100,000 attempts are zoomed.
// (The offer is 200,000/s: what reaches the timeline then measures the path.)
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createApp } from '../../electron/app';
import { CampaignsRepository } from '../../electron/store';
import { startConsoleServer } from '../../electron/ipc/ws-transport';
import { createProgress } from '../../electron/cli/progress';
import { makeTempDir } from '../helpers/temp-dir';
import { launchChromium } from '../helpers/chromium';
import { emitResult, markdownTable, round, type BenchOptions } from './bench-output';

interface RunFigures {
  offered: number;
  eventsPerSec: number;
  fps: number;
  p99Ms: number;
  zoomFps: number;
}

/** Offered above the goal (100,000/s), so that what reaches the timeline measures the path, not the offer. */
const OFFERED_PER_SEC = 200_000;

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

async function run(frameMs: number, events: number, rendererDir: string): Promise<RunFigures> {
  const temp = makeTempDir('tminus-bench-ipc-');
  const app = createApp({ dataDir: temp.dir });
  const campaignId = 'bench-ipc';
  new CampaignsRepository(app.store.db).insert(
    {
      id: campaignId,
      targetId: 'simulator',
      name: 'IPC bench',
      itemId: 'X',
      openAtServerMs: Date.now() + 500,
      timeZone: 'UTC',
      spec: {},
    },
    Date.now(),
  );
  const server = await startConsoleServer({
    router: app.router,
    bus: app.bus,
    staticDir: rendererDir,
    port: 0,
    frameMs,
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'en-US' });
    // Page-side code is passed as text: this file is type-checked without the DOM library.
    const resetProbe = 'window.__tminusTimelineProbe = { frames: 0, drawn: 0, paintLatenciesMs: [] }';
    await page.addInitScript(resetProbe);
    await page.goto(server.url);
    await page.getByTestId('nav-campaigns').click();
    await page.getByTestId('campaigns-table').getByText('IPC bench').click();
    await page.getByTestId('timeline-canvas').waitFor();
    await page.waitForTimeout(500);
    await page.evaluate(resetProbe);
    // Offered: 1,000 events every 10 ms, stamped with their emit time (sentLocalMs; the console's offset is 0 here).
    const outcomes = ['notOpen', 'notOpen', 'rateLimited', 'success', 'retryable'] as const;
    const started = Date.now();
    let sent = 0;
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const due = Math.min(events, Math.round(((Date.now() - started) / 1_000) * OFFERED_PER_SEC) + 1_000);
        for (; sent < due; sent += 1) {
          app.bus.emit('attempt/recorded', {
            campaignId,
            attemptId: sent + 1,
            accountId: 1 + (sent % 1_000),
            endpoint: `http://127.0.0.1:${8081 + (sent % 3)}`,
            retry: Math.floor(sent / 1_000) % 5,
            sentLocalMs: Date.now(),
            latencyMs: 2 + (sent % 17),
            outcome: outcomes[sent % outcomes.length]!,
          });
        }
        if (sent >= events) resolve();
        else setTimeout(tick, 10);
      };
      tick();
    });
    // Until everything offered is on the timeline, or 20 s.
    const deadline = Date.now() + 20_000;
    let shown = 0;
    while (Date.now() < deadline) {
      shown = Number((await page.getByTestId('timeline').getAttribute('data-attempts')) ?? 0);
      if (shown >= events) break;
      await page.waitForTimeout(50);
    }
    const elapsedS = (Date.now() - started) / 1_000;
    const probe = (await page.evaluate(
      '({ frames: window.__tminusTimelineProbe.frames, latencies: window.__tminusTimelineProbe.paintLatenciesMs })',
    )) as { frames: number; latencies: number[] };
    // Then the operator zooms about with all of them shown: frames painted in 2 s of wheel events.
    // A wheel event on every animation frame for 2 s, dispatched in the page (no round trip per event).
    const zoom = (await page.evaluate(`(async () => {
      const canvas = document.querySelector('[data-testid=timeline-canvas]');
      const rect = canvas.getBoundingClientRect();
      const before = window.__tminusTimelineProbe.frames;
      const start = performance.now();
      let direction = 1;
      await new Promise((resolve) => {
        const step = () => {
          if (performance.now() - start > 2000) return resolve();
          canvas.dispatchEvent(new WheelEvent('wheel', {
            deltaY: 100 * direction, clientX: rect.left + rect.width / 2, clientY: rect.top + rect.height / 2, bubbles: true,
          }));
          direction = -direction;
          requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      });
      return { frames: window.__tminusTimelineProbe.frames - before, seconds: (performance.now() - start) / 1000 };
    })()`)) as { frames: number; seconds: number };
    return {
      offered: events,
      eventsPerSec: Math.round(shown / elapsedS),
      fps: round(probe.frames / elapsedS, 1),
      p99Ms: round(quantile(probe.latencies, 0.99), 1),
      zoomFps: round(zoom.frames / zoom.seconds, 1),
    };
  } finally {
    await browser.close();
    await server.close();
    await app.close();
    temp.remove();
  }
}

export async function runIpcBench(options: BenchOptions): Promise<void> {
  // bin/tminus.js → the repository → the built console.
  const rendererDir = join(dirname(dirname(realpathSync(options.cliScript))), 'out', 'renderer');
  if (!existsSync(rendererDir)) throw new Error('the console is not built: run `npm run build` first');
  const events = options.quick ? 20_000 : 100_000;
  const progress = createProgress(2);
  progress.step(
    `coalesced: ${events.toLocaleString('en-US')} events offered at 200,000/s, one message per 16 ms frame`,
  );
  const coalesced = await run(16, events, rendererDir);
  progress.step(`per event: the same ${events.toLocaleString('en-US')} events, one message each`);
  const perEvent = await run(0, events, rendererDir);
  progress.done();
  const line = (name: string, r: RunFigures): Array<string | number> => [
    name,
    r.offered,
    r.eventsPerSec,
    r.fps,
    r.p99Ms,
    r.zoomFps,
  ];
  const table = markdownTable(
    [
      'events → timeline in Chromium',
      'offered',
      'events/s shown',
      'frames/s',
      'emit → paint p99 ms',
      'frames/s zooming all',
    ],
    [line('tminus (coalesced, 16 ms frames)', coalesced), line('baseline (one message per event)', perEvent)],
  );
  emitResult(options, table, {
    coalesced,
    perEvent,
    goal: {
      eventsPerSec: 100_000,
      fps: 30,
      p99Ms: 100,
      met: coalesced.eventsPerSec >= 100_000 && coalesced.fps >= 30 && coalesced.p99Ms <= 100,
    },
  });
}
