// A rendered request as the exact bytes of an HTTP/1.1 request, built before the instant so that sending it is one
// write. Names and values are checked here, where a bad one is refused before anything is sent.
import type { PreparedRequest } from './http-exchange';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Set from the request itself; a template may not set them. */
const FRAMING_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection']);

export class RequestSerialisationError extends Error {
  readonly code = 'BAD_REQUEST_FIELD';
}

export function serialiseRequest(request: PreparedRequest, host: string): Buffer {
  if (!TOKEN.test(request.method)) throw new RequestSerialisationError(`method: ${JSON.stringify(request.method)}`);
  if (!/^\/[^\s]*$/.test(request.path)) throw new RequestSerialisationError(`path: ${JSON.stringify(request.path)}`);
  const body = request.body === undefined ? null : Buffer.from(request.body, 'utf8');
  let head = `${request.method} ${request.path} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [name, value] of Object.entries(request.headers)) {
    if (!TOKEN.test(name)) throw new RequestSerialisationError(`header name: ${JSON.stringify(name)}`);
    if (FRAMING_HEADERS.has(name.toLowerCase())) continue;
    if (!FIELD_VALUE.test(value)) throw new RequestSerialisationError(`header ${name}: the value has a line break`);
    head += `${name}: ${value}\r\n`;
  }
  if (body !== null || request.method === 'POST' || request.method === 'PUT' || request.method === 'PATCH')
    head += `content-length: ${body?.length ?? 0}\r\n`;
  head += '\r\n';
  const headBytes = Buffer.from(head, 'latin1');
  return body === null ? headBytes : Buffer.concat([headBytes, body]);
}
