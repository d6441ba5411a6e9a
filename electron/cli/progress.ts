// Progress for long CLI work, on stderr so stdout stays clean for --json and CSV: a redrawn bar on a terminal,
// a line per step elsewhere (CI logs).
export interface Progress {
  step(label: string): void;
  update(fraction: number, detail?: string): void;
  done(): void;
}

export function createProgress(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  let index = 0;
  let label = '';
  const tty = stream.isTTY === true;
  const draw = (fraction: number, detail = ''): void => {
    const width = 24;
    const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    stream.write(`\r${bar} ${index}/${total} ${label}${detail ? ` ${detail}` : ''}\u001b[K`);
  };
  return {
    step(next) {
      index += 1;
      label = next;
      if (tty) draw(0);
      else stream.write(`[${index}/${total}] ${label}\n`);
    },
    update(fraction, detail) {
      if (tty) draw(fraction, detail);
    },
    done() {
      if (tty) stream.write('\n');
    },
  };
}
