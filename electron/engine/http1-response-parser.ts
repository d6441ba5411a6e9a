// An incremental HTTP/1.1 response reader for one response at a time on a keep-alive connection: status line,
// headers, then a body framed by `Transfer-Encoding: chunked`, `Content-Length`, or the end of the connection.
// Interim 1xx responses are skipped. Anything malformed is an error, and the connection is not used again.

export interface Http1Response {
  status: number;
  /** Lowercased names; a repeated header becomes an array. */
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** The server keeps the connection open for another request. */
  keepAlive: boolean;
}

export class Http1ProtocolError extends Error {
  readonly code = 'HPE_INVALID_RESPONSE';
}

const MAX_HEAD_BYTES = 64 * 1024;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

type Framing = { kind: 'length'; remaining: number } | { kind: 'chunked' } | { kind: 'close' } | { kind: 'none' };

export class Http1ResponseParser {
  private pending: Buffer = Buffer.alloc(0);
  private head: { status: number; headers: Record<string, string | string[]>; keepAlive: boolean } | null = null;
  private framing: Framing = { kind: 'none' };
  private chunks: Buffer[] = [];
  private bodyBytes = 0;
  /** Inside a chunked body: bytes left in the current chunk, or null when a chunk-size line comes next. */
  private chunkLeft: number | null = null;
  private inTrailers = false;

  constructor(
    /** The request's method: a HEAD request's response has no body. */
    private readonly method: string,
    private readonly maxBodyBytes = 4 * 1024 * 1024,
  ) {}

  /** Feeds bytes; returns the response once it is complete (and any bytes after it), else null. */
  push(data: Buffer): { response: Http1Response; rest: Buffer } | null {
    this.pending = this.pending.length === 0 ? data : Buffer.concat([this.pending, data]);
    for (;;) {
      if (!this.head) {
        const end = this.pending.indexOf(HEAD_END);
        if (end < 0) {
          if (this.pending.length > MAX_HEAD_BYTES) throw new Http1ProtocolError('response headers are too large');
          return null;
        }
        const head = this.parseHead(this.pending.subarray(0, end).toString('latin1'));
        this.pending = this.pending.subarray(end + 4);
        if (head.status >= 100 && head.status < 200) continue; // 100 Continue, 103 Early Hints: the answer follows
        this.head = head;
        this.framing = this.framingOf(head);
      }
      const done = this.readBody();
      if (!done) return null;
      const response: Http1Response = {
        status: this.head.status,
        headers: this.head.headers,
        body: this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks),
        keepAlive: this.head.keepAlive && this.framing.kind !== 'close',
      };
      return { response, rest: this.pending };
    }
  }

  /** The connection ended: a body read to the end of the connection is complete now; anything else was cut short. */
  end(): Http1Response {
    if (this.head && this.framing.kind === 'close') {
      return {
        status: this.head.status,
        headers: this.head.headers,
        body: Buffer.concat(this.chunks),
        keepAlive: false,
      };
    }
    throw new Http1ProtocolError('the connection closed before the response was complete');
  }

  private parseHead(text: string): { status: number; headers: Record<string, string | string[]>; keepAlive: boolean } {
    const lines = text.split('\r\n');
    const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
    if (!statusLine) throw new Http1ProtocolError(`not an HTTP/1.x status line: ${JSON.stringify(lines[0])}`);
    const headers: Record<string, string | string[]> = {};
    for (let n = 1; n < lines.length; n += 1) {
      const line = lines[n]!;
      const colon = line.indexOf(':');
      if (colon <= 0 || /[\s]/.test(line[colon - 1]!)) throw new Http1ProtocolError(`bad header line: ${line}`);
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      const existing = headers[name];
      if (existing === undefined) headers[name] = value;
      else if (Array.isArray(existing)) existing.push(value);
      else headers[name] = [existing, value];
    }
    const connection = String(headers['connection'] ?? '').toLowerCase();
    const http10 = statusLine[1] === '0';
    const keepAlive = http10 ? connection.includes('keep-alive') : !connection.includes('close');
    return { status: Number(statusLine[2]), headers, keepAlive };
  }

  private framingOf(head: { status: number; headers: Record<string, string | string[]> }): Framing {
    if (this.method === 'HEAD' || head.status === 204 || head.status === 304) return { kind: 'none' };
    const encoding = head.headers['transfer-encoding'];
    if (encoding !== undefined) {
      if (!/(^|,)\s*chunked\s*$/i.test(String(encoding)))
        throw new Http1ProtocolError(`unsupported transfer-encoding: ${String(encoding)}`);
      return { kind: 'chunked' };
    }
    const length = head.headers['content-length'];
    if (length !== undefined) {
      if (Array.isArray(length) || !/^\d+$/.test(length)) throw new Http1ProtocolError('bad content-length');
      const remaining = Number(length);
      if (remaining > this.maxBodyBytes) throw new Http1ProtocolError('the response body is too large');
      return { kind: 'length', remaining };
    }
    return { kind: 'close' };
  }

  private take(bytes: Buffer): void {
    this.bodyBytes += bytes.length;
    if (this.bodyBytes > this.maxBodyBytes) throw new Http1ProtocolError('the response body is too large');
    if (bytes.length > 0) this.chunks.push(bytes);
  }

  /** Reads what `pending` holds of the body; true once the body is complete. */
  private readBody(): boolean {
    const framing = this.framing;
    if (framing.kind === 'none') return true;
    if (framing.kind === 'close') {
      this.take(this.pending);
      this.pending = Buffer.alloc(0);
      return false;
    }
    if (framing.kind === 'length') {
      const part = this.pending.subarray(0, framing.remaining);
      this.take(Buffer.from(part)); // a copy: the socket's buffer is not kept alive by a slice
      framing.remaining -= part.length;
      this.pending = this.pending.subarray(part.length);
      return framing.remaining === 0;
    }
    for (;;) {
      if (this.inTrailers) {
        const eol = this.pending.indexOf(CRLF);
        if (eol < 0) return false;
        const line = this.pending.subarray(0, eol);
        this.pending = this.pending.subarray(eol + 2);
        if (line.length === 0) return true; // trailers (ignored) end with an empty line
        continue;
      }
      if (this.chunkLeft === null) {
        const eol = this.pending.indexOf(CRLF);
        if (eol < 0) {
          if (this.pending.length > 1024) throw new Http1ProtocolError('bad chunk size line');
          return false;
        }
        const sizeText = this.pending.subarray(0, eol).toString('latin1').split(';')[0]!.trim();
        if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) throw new Http1ProtocolError(`bad chunk size: ${sizeText}`);
        this.pending = this.pending.subarray(eol + 2);
        const size = parseInt(sizeText, 16);
        if (size === 0) {
          this.inTrailers = true;
          continue;
        }
        this.chunkLeft = size;
      }
      if (this.chunkLeft > 0) {
        const part = this.pending.subarray(0, this.chunkLeft);
        this.take(Buffer.from(part));
        this.chunkLeft -= part.length;
        this.pending = this.pending.subarray(part.length);
        if (this.chunkLeft > 0) return false;
      }
      if (this.pending.length < 2) return false;
      if (this.pending[0] !== 13 || this.pending[1] !== 10) throw new Http1ProtocolError('chunk not ended by CRLF');
      this.pending = this.pending.subarray(2);
      this.chunkLeft = null;
    }
  }
}
