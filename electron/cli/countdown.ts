// What `tminus run` shows while it waits and fires: the time to the open instant on the target's clock (the clock's
// offset applied, its bound beside it), then attempts and bookings as they are recorded. On a terminal one line
// redrawn four times a second; piped, a plain line every five seconds, so logs stay readable.
import type { App } from '../app';
import { formatInZone } from '../reports';

export interface Countdown {
  stop(): void;
}

export function formatRemaining(ms: number): string {
  const sign = ms >= 0 ? 'T−' : 'T+';
  const total = Math.abs(ms) / 1000;
  const minutes = Math.floor(total / 60);
  const seconds = total - minutes * 60;
  return `${sign}${minutes > 0 ? `${minutes}:${seconds.toFixed(1).padStart(4, '0')}` : `${seconds.toFixed(1)} s`}`;
}

export function startCountdown(
  app: App,
  campaign: { id: string; openAtServerMs: number; timeZone: string },
  out: NodeJS.WriteStream = process.stderr,
): Countdown {
  let attempts = 0;
  let booked = 0;
  const offAttempts = app.bus.on('attempt/recorded', (event) => {
    if (event.campaignId !== campaign.id) return;
    attempts += 1;
    if (event.outcome === 'success' || event.outcome === 'alreadyBooked') booked += 1;
  });
  const tty = out.isTTY === true;
  const line = (): string => {
    const clock = app.clock.current();
    const serverNowMs = Date.now() + (clock?.offsetMs ?? 0);
    const remaining = campaign.openAtServerMs - serverNowMs;
    const bound = clock ? ` (clock ± ${clock.boundMs.toFixed(1)} ms)` : ' (clock not synced yet)';
    const when = `${formatInZone(campaign.openAtServerMs, campaign.timeZone)} ${campaign.timeZone}`;
    if (remaining > 0) return `${formatRemaining(remaining)} to ${when}${bound}`;
    return `${formatRemaining(remaining)} firing: ${attempts} attempts, ${booked} booked`;
  };
  let lastPlainAt = 0;
  const timer = setInterval(
    () => {
      if (tty) out.write(`\r\x1b[2K${line()}`);
      else if (Date.now() - lastPlainAt >= 5_000) {
        lastPlainAt = Date.now();
        out.write(`${line()}\n`);
      }
    },
    tty ? 250 : 1_000,
  );
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      offAttempts();
      if (tty) out.write('\r\x1b[2K');
    },
  };
}
