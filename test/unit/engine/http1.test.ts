import { describe, expect, it } from 'vitest';
import { Http1ProtocolError, Http1ResponseParser } from '../../../electron/engine/http1-response-parser';
import { serialiseRequest } from '../../../electron/engine/http1-request';

/** Feeds `text` one byte at a time, so every boundary inside the response is crossed once. */
function byteByByte(parser: Http1ResponseParser, text: string) {
  const bytes = Buffer.from(text, 'latin1');
  let result = null;
  for (let n = 0; n < bytes.length && !result; n += 1) result = parser.push(bytes.subarray(n, n + 1));
  return result;
}

describe('HTTP/1.1 response parser', () => {
  it('reads a Content-Length body whole or byte by byte, and keeps what follows', () => {
    const text = 'HTTP/1.1 201 Created\r\nContent-Length: 11\r\nX-Server-Time-Ms: 17.5\r\n\r\n{"ok":true}';
    const whole = new Http1ResponseParser('POST').push(Buffer.from(text + 'EXTRA'))!;
    expect(whole.response.status).toBe(201);
    expect(whole.response.headers['x-server-time-ms']).toBe('17.5');
    expect(whole.response.body.toString()).toBe('{"ok":true}');
    expect(whole.response.keepAlive).toBe(true);
    expect(whole.rest.toString()).toBe('EXTRA');
    const split = byteByByte(new Http1ResponseParser('POST'), text)!;
    expect(split.response.body.toString()).toBe('{"ok":true}');
  });

  it('reads a chunked body with extensions and trailers, split anywhere', () => {
    const text =
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;name=x\r\n{"a"\r\n6\r\n:"bcd"\r\n1\r\n}\r\n0\r\nX-Trailer: 1\r\n\r\n';
    const result = byteByByte(new Http1ResponseParser('GET'), text)!;
    expect(result.response.body.toString()).toBe('{"a":"bcd"}');
    expect(new Http1ResponseParser('GET').push(Buffer.from(text))!.response.body.toString()).toBe('{"a":"bcd"}');
  });

  it('skips interim 1xx answers and reads the final one', () => {
    const text = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi';
    expect(new Http1ResponseParser('POST').push(Buffer.from(text))!.response.status).toBe(200);
  });

  it('has no body for HEAD, 204 and 304, and reads to the end when nothing frames the body', () => {
    expect(
      new Http1ResponseParser('HEAD').push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n')),
    ).not.toBeNull();
    expect(
      new Http1ResponseParser('GET').push(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'))!.response.body.length,
    ).toBe(0);
    const unframed = new Http1ResponseParser('GET');
    expect(unframed.push(Buffer.from('HTTP/1.1 200 OK\r\n\r\npart one, '))).toBeNull();
    expect(unframed.push(Buffer.from('part two'))).toBeNull();
    const ended = unframed.end();
    expect(ended.body.toString()).toBe('part one, part two');
    expect(ended.keepAlive).toBe(false);
  });

  it('knows when the server will close: Connection: close, or HTTP/1.0 without keep-alive', () => {
    const close = 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';
    expect(new Http1ResponseParser('GET').push(Buffer.from(close))!.response.keepAlive).toBe(false);
    const old = 'HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n';
    expect(new Http1ResponseParser('GET').push(Buffer.from(old))!.response.keepAlive).toBe(false);
  });

  it('gathers a repeated header into an array', () => {
    const text = 'HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nContent-Length: 0\r\n\r\n';
    expect(new Http1ResponseParser('GET').push(Buffer.from(text))!.response.headers['set-cookie']).toEqual([
      'a=1',
      'b=2',
    ]);
  });

  it('refuses what is not HTTP/1.x, bad framing, and oversized heads or bodies', () => {
    const refuse =
      (text: string | Buffer, method = 'GET', max?: number) =>
      () =>
        new Http1ResponseParser(method, max).push(Buffer.isBuffer(text) ? text : Buffer.from(text));
    expect(refuse('SSH-2.0-OpenSSH\r\n\r\n')).toThrow(Http1ProtocolError);
    expect(refuse('HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n')).toThrow(/content-length/);
    expect(refuse('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n')).toThrow(/transfer-encoding/);
    expect(refuse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')).toThrow(/chunk size/);
    expect(refuse('HTTP/1.1 200 OK\r\nBad Header : x\r\n\r\n')).toThrow(/header line/);
    expect(refuse(Buffer.alloc(70 * 1024, 'a'))).toThrow(/too large/);
    expect(refuse('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n', 'GET', 10)).toThrow(/too large/);
    const cut = new Http1ResponseParser('GET');
    cut.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    expect(() => cut.end()).toThrow(/before the response was complete/);
  });
});

describe('HTTP/1.1 request serialisation', () => {
  it('writes the request line, host, headers, length and body as one buffer', () => {
    const bytes = serialiseRequest(
      {
        method: 'POST',
        path: '/api/items/A/book',
        headers: { authorization: 'Bearer t', 'content-type': 'application/json', 'Content-Length': '99' },
        body: '{"n":"票"}',
      },
      '127.0.0.1:8080',
    );
    expect(bytes.toString('utf8')).toBe(
      'POST /api/items/A/book HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nauthorization: Bearer t\r\n' +
        'content-type: application/json\r\ncontent-length: 11\r\n\r\n{"n":"票"}',
    );
  });

  it('refuses a line break in a value, a bad header name, method or path', () => {
    const request = { method: 'GET', path: '/x', headers: {} as Record<string, string> };
    expect(() => serialiseRequest({ ...request, headers: { a: 'x\r\nInjected: 1' } }, 'h')).toThrow(/header a/);
    expect(() => serialiseRequest({ ...request, headers: { 'a b': 'x' } }, 'h')).toThrow(/header name/);
    expect(() => serialiseRequest({ ...request, method: 'G T' }, 'h')).toThrow(/method/);
    expect(() => serialiseRequest({ ...request, path: '/a b' }, 'h')).toThrow(/path/);
    expect(serialiseRequest(request, 'h').toString()).toBe('GET /x HTTP/1.1\r\nhost: h\r\n\r\n');
  });
});
