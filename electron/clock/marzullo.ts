// Marzullo's algorithm: given each source's interval [offset − bound, offset + bound], find the smallest interval
// consistent with the largest number of sources. Sources that do not overlap it are falsetickers.
export interface SourceInterval {
  id: string;
  offsetMs: number;
  boundMs: number;
}

export interface Agreement {
  offsetMs: number;
  boundMs: number;
  truechimers: string[];
  falsetickers: string[];
}

export function marzullo(sources: SourceInterval[]): Agreement | null {
  if (sources.length === 0) return null;
  // Edges: +1 entering an interval, −1 leaving; at equal positions, enter before leave (touching intervals agree).
  const edges = sources.flatMap((source) => [
    { at: source.offsetMs - source.boundMs, type: 1 },
    { at: source.offsetMs + source.boundMs, type: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || b.type - a.type);
  let best = 0;
  let count = 0;
  let bestLow = 0;
  let bestHigh = 0;
  for (let index = 0; index < edges.length; index += 1) {
    const edge = edges[index]!;
    count += edge.type;
    if (count > best) {
      best = count;
      bestLow = edge.at;
      bestHigh = edges[index + 1]!.at;
    }
  }
  const overlaps = (source: SourceInterval): boolean =>
    source.offsetMs - source.boundMs <= bestHigh && source.offsetMs + source.boundMs >= bestLow;
  return {
    offsetMs: (bestLow + bestHigh) / 2,
    boundMs: (bestHigh - bestLow) / 2,
    truechimers: sources.filter(overlaps).map((source) => source.id),
    falsetickers: sources.filter((source) => !overlaps(source)).map((source) => source.id),
  };
}
