// CSV written a block at a time: header (and BOM) first, CRLF rows, text cells neutralised and numbers left alone,
// blocks of 500 rows with the destination's backpressure honoured, and a destination error never swallowed.
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { csvSink } from '../../electron/reports/csv-stream';

class Collect extends Writable {
  chunks: string[] = [];
  constructor(private readonly full = false) {
    super({ highWaterMark: 1 });
  }
  override _write(chunk: Buffer, _encoding: string, done: (error?: Error) => void): void {
    this.chunks.push(String(chunk));
    setTimeout(() => done(), this.full ? 5 : 0);
  }
}

describe('CSV sink', () => {
  it('writes the header first (with a BOM when asked), then rows with CRLF, numbers as numbers', async () => {
    const out = new Collect();
    const sink = csvSink(out, ['name', 'n'], { bom: true });
    await sink.row(['=cmd', -2]);
    await sink.row([null, 3.5]);
    await sink.end();
    expect(out.chunks.join('')).toBe("\ufeffname,n\r\n'=cmd,-2\r\n,3.5\r\n");
    const plain = new Collect();
    const noBom = csvSink(plain, ['a']);
    await noBom.end();
    expect(plain.chunks.join('')).toBe('a\r\n');
  });

  it('writes 500 rows as one block, and waits for the destination to drain before the next', async () => {
    const out = new Collect(true);
    const sink = csvSink(out, ['i']);
    const waits: boolean[] = [];
    for (let i = 0; i < 1_001; i += 1) {
      const pending = sink.row([i]);
      waits.push(pending instanceof Promise);
      await pending;
    }
    await sink.end();
    expect(waits.filter(Boolean)).toHaveLength(2); // at rows 500 and 1000: a block written into a full destination
    expect(waits[499]).toBe(true);
    expect(waits[498]).toBe(false);
    expect(out.chunks).toHaveLength(4); // header, two blocks of 500, the last row
    expect(out.chunks[1]!.split('\r\n')).toHaveLength(501);
  });

  it('rejects when the destination fails, instead of reporting success', async () => {
    const failing = new Writable({
      write(_chunk, _encoding, done) {
        done(new Error('disk full'));
      },
    });
    const sink = csvSink(failing, ['a']);
    await new Promise((resolve) => setImmediate(resolve));
    expect.assertions(1);
    try {
      for (let i = 0; i < 600; i += 1) await sink.row([i]);
      await sink.end();
    } catch (error) {
      expect((error as Error).message).toBe('disk full');
    }
  });

  it('throws the destination error it heard, from the next block and from the end, even if the stream goes on', async () => {
    const out = new Collect();
    const sink = csvSink(out, ['a']);
    await sink.row([1]);
    out.emit('error', new Error('quota exceeded')); // the destination says so, without being destroyed
    expect.assertions(2);
    try {
      for (let i = 0; i < 500; i += 1) await sink.row([i]);
    } catch (error) {
      expect((error as Error).message).toBe('quota exceeded');
    }
    await expect(sink.end()).rejects.toThrow('quota exceeded');
  });

  it('hears a destination error even when nothing was waiting on it (a roomy destination)', async () => {
    const roomy = new Writable({ write: (_chunk, _encoding, done) => done() }); // takes the header without waiting
    const sink = csvSink(roomy, ['a']);
    roomy.emit('error', new Error('gone'));
    expect.assertions(1);
    try {
      for (let i = 0; i < 500; i += 1) await sink.row([i]);
    } catch (error) {
      expect((error as Error).message).toBe('gone');
    }
  });
});
