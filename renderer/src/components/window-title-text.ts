// The window (tab) title's words: a countdown to the next armed campaign in server time, so an operator on another
// window sees it ("T−00:00:12 · Rehearsal — G1234 · Tminus"); while one fires it says so; otherwise just "Tminus".
import { translate, type Language } from '../i18n/translate';
import { formatCountdown } from './zoned-time';
import type { CampaignViewWire } from '../../../electron/ipc/contract';

/** The title for these campaigns at `serverNowMs`. */
export function windowTitle(campaigns: CampaignViewWire[], serverNowMs: number, language: Language): string {
  const app = translate(language, 'app.title');
  const firing = campaigns.find((c) => c.state === 'firing');
  if (firing) return `${translate(language, 'campaign.state.firing')} · ${firing.name} · ${app}`;
  const next = campaigns.filter((c) => c.state === 'armed').sort((a, b) => a.openAtServerMs - b.openAtServerMs)[0];
  if (!next) return app;
  // Whole seconds: a title is read at a glance, and browsers redraw it at most about once a second.
  const countdown = formatCountdown(Math.ceil((next.openAtServerMs - serverNowMs) / 1_000) * 1_000).slice(0, -4);
  return `${countdown} · ${next.name} · ${app}`;
}
