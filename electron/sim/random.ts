// A small seeded generator (mulberry32): the same scenario and seed give the same jitter and the same faults.
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [center − spread, center + spread]. */
  around(center: number, spread: number): number {
    return spread === 0 ? center : center + (this.next() * 2 - 1) * spread;
  }

  chance(probability: number): boolean {
    return probability > 0 && this.next() < probability;
  }
}
