// Per node, the highest sequence number up to which every record is committed, from the (possibly out-of-order,
// possibly repeated) numbers committed so far. What a node may forget is exactly what is under its watermark.
export class SeqWatermarks {
  private readonly marks = new Map<string, number>();
  private readonly above = new Map<string, Set<number>>();

  /** Adds a committed number; true when it was new. */
  add(nodeId: string, seq: number): boolean {
    let mark = this.marks.get(nodeId) ?? 0;
    let ahead = this.above.get(nodeId);
    if (seq <= mark || ahead?.has(seq)) return false;
    if (!ahead) this.above.set(nodeId, (ahead = new Set()));
    ahead.add(seq);
    while (ahead.has(mark + 1)) {
      ahead.delete(mark + 1);
      mark += 1;
    }
    this.marks.set(nodeId, mark);
    return true;
  }

  has(nodeId: string, seq: number): boolean {
    return seq <= (this.marks.get(nodeId) ?? 0) || (this.above.get(nodeId)?.has(seq) ?? false);
  }

  of(nodeId: string): number {
    return this.marks.get(nodeId) ?? 0;
  }

  nodes(): string[] {
    return [...new Set([...this.marks.keys(), ...this.above.keys()])];
  }
}
