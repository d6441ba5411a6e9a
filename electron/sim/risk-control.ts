// Risk control as real services do it: a client told to wait (429/503 with Retry-After) that keeps sending inside
// that window is counted; after `violationsBeforeBan` such requests it is banned for `banMs` (412 RISK_CONTROL).
export interface RiskConfig {
  enabled: boolean;
  violationsBeforeBan: number;
  banMs: number;
}

interface Subject {
  waitUntilMs: number;
  violations: number;
  bannedUntilMs: number;
}

export class RiskControl {
  private readonly subjects = new Map<string, Subject>();
  bans = 0;

  constructor(private readonly config: RiskConfig) {}

  private subject(key: string): Subject {
    let subject = this.subjects.get(key);
    if (!subject) {
      subject = { waitUntilMs: 0, violations: 0, bannedUntilMs: 0 };
      this.subjects.set(key, subject);
    }
    return subject;
  }

  /** Checks the keys of one request (account and client); returns the banned-until instant if any key is banned. */
  check(keys: readonly string[], nowMs: number): number | null {
    if (!this.config.enabled) return null;
    let bannedUntil: number | null = null;
    for (const key of keys) {
      const subject = this.subjects.get(key);
      if (!subject) continue;
      if (subject.bannedUntilMs > nowMs) {
        bannedUntil = Math.max(bannedUntil ?? 0, subject.bannedUntilMs);
        continue;
      }
      if (nowMs < subject.waitUntilMs) {
        subject.violations += 1;
        if (subject.violations >= this.config.violationsBeforeBan) {
          subject.bannedUntilMs = nowMs + this.config.banMs;
          subject.violations = 0;
          subject.waitUntilMs = 0;
          this.bans += 1;
          bannedUntil = Math.max(bannedUntil ?? 0, subject.bannedUntilMs);
        }
      }
    }
    return bannedUntil;
  }

  /** Records that these keys were told to wait until `untilMs`. */
  toldToWait(keys: readonly string[], untilMs: number): void {
    if (!this.config.enabled) return;
    for (const key of keys) {
      const subject = this.subject(key);
      subject.waitUntilMs = Math.max(subject.waitUntilMs, untilMs);
    }
  }
}
