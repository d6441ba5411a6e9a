// The local time, re-read every `everyMs` (on animation frames, so a hidden tab does not spin).
import { useEffect, useState } from 'react';

export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    let frame = 0;
    let last = 0;
    const tick = (at: number): void => {
      frame = requestAnimationFrame(tick);
      if (at - last >= everyMs) {
        last = at;
        setNow(Date.now());
      }
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [everyMs]);
  return now;
}
