// Admission control: load is the number of requests per window; the next window's load is predicted by an EWMA of
// past windows. A request is accepted while max(current load, predicted load) < threshold; otherwise it gets 503 with
// a suggested retry time that grows with the overload.
export interface AdmissionConfig {
  enabled: boolean;
  windowMs: number;
  threshold: number;
  ewmaAlpha: number;
}

export type AdmissionDecision = { admitted: true } | { admitted: false; retryAfterMs: number };

export class AdmissionControl {
  private windowStartMs: number | null = null;
  private currentLoad = 0;
  private predictedLoad = 0;

  constructor(private readonly config: AdmissionConfig) {}

  admit(nowMs: number): AdmissionDecision {
    if (!this.config.enabled) return { admitted: true };
    this.roll(nowMs);
    const load = Math.max(this.currentLoad, this.predictedLoad);
    if (load >= this.config.threshold) {
      // Wait out the rest of this window, plus one window per multiple of overload.
      const untilWindowEnd = this.windowStartMs! + this.config.windowMs - nowMs;
      const overloadWindows = Math.max(0, Math.ceil(load / this.config.threshold) - 1);
      return { admitted: false, retryAfterMs: Math.ceil(untilWindowEnd + overloadWindows * this.config.windowMs) };
    }
    this.currentLoad += 1;
    return { admitted: true };
  }

  snapshot(): { currentLoad: number; predictedLoad: number } {
    return { currentLoad: this.currentLoad, predictedLoad: this.predictedLoad };
  }

  private roll(nowMs: number): void {
    if (this.windowStartMs === null) {
      this.windowStartMs = nowMs;
      return;
    }
    const { windowMs, ewmaAlpha } = this.config;
    while (nowMs >= this.windowStartMs + windowMs) {
      this.predictedLoad = ewmaAlpha * this.currentLoad + (1 - ewmaAlpha) * this.predictedLoad;
      this.currentLoad = 0;
      this.windowStartMs += windowMs;
      // A long idle gap decays the prediction window by window; stop once it is negligible.
      if (this.predictedLoad < 0.01 && nowMs >= this.windowStartMs + windowMs) {
        this.predictedLoad = 0;
        this.windowStartMs += Math.floor((nowMs - this.windowStartMs) / windowMs) * windowMs;
      }
    }
  }
}
