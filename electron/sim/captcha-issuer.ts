// One-time, expiring captchas: issued with an id, checked once (right or wrong, the id is spent), forgotten on expiry.
import { randomBytes } from 'node:crypto';
import { renderCaptcha, sameAnswer } from './captcha-style';

export type CaptchaCheck = 'ok' | 'wrong' | 'expired' | 'unknown';

interface IssuedCaptcha {
  text: string;
  expiresAtMs: number;
}

export class CaptchaIssuer {
  private readonly issued = new Map<string, IssuedCaptcha>();

  constructor(private readonly ttlMs: number) {}

  issue(nowMs: number): { id: string; text: string; png: Buffer; expiresAtMs: number } {
    if (this.issued.size > 10_000) this.sweep(nowMs);
    const { text, png } = renderCaptcha();
    const id = randomBytes(12).toString('base64url');
    const expiresAtMs = nowMs + this.ttlMs;
    this.issued.set(id, { text, expiresAtMs });
    return { id, text, png, expiresAtMs };
  }

  check(id: string, answer: string, nowMs: number): CaptchaCheck {
    const captcha = this.issued.get(id);
    if (!captcha) return 'unknown';
    this.issued.delete(id);
    if (nowMs > captcha.expiresAtMs) return 'expired';
    return sameAnswer(answer, captcha.text) ? 'ok' : 'wrong';
  }

  private sweep(nowMs: number): void {
    for (const [id, captcha] of this.issued) if (captcha.expiresAtMs < nowMs) this.issued.delete(id);
  }
}
