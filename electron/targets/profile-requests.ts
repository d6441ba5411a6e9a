// Renders a profile's request template into a request the pipeline can send: path and query, headers, the body as
// JSON, a form or raw text, and the session — its header, its cookies, or both.
import type { RequestTemplate } from './profile-schema';
import { renderJson, renderTemplate, type TemplateContext } from './template';

export interface RenderedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** How a rendered request carries the account's session. */
export interface SessionCarrier {
  header?: { name: string; value: string } | undefined;
  /** The Cookie header for this request's URL ('' for none). */
  cookie?: string | undefined;
}

const renderMap = (map: Record<string, string>, context: TemplateContext): Array<[string, string]> =>
  Object.entries(map).map(([name, value]) => [name, renderTemplate(value, context)]);

export function renderRequest(
  template: RequestTemplate,
  context: TemplateContext,
  session?: SessionCarrier,
): RenderedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(template.headers))
    headers[name.toLowerCase()] = renderTemplate(value, context);
  if (session?.header) headers[session.header.name.toLowerCase()] = renderTemplate(session.header.value, context);
  if (session?.cookie) headers.cookie = headers.cookie ? `${headers.cookie}; ${session.cookie}` : session.cookie;
  let body: string | undefined;
  if (template.json !== undefined) {
    body = JSON.stringify(renderJson(template.json, context));
    headers['content-type'] ??= 'application/json';
  } else if (template.form !== undefined) {
    body = new URLSearchParams(renderMap(template.form, context)).toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  } else if (template.text !== undefined) {
    body = renderTemplate(template.text, context);
    headers['content-type'] ??= template.contentType ?? 'text/plain; charset=utf-8';
  }
  let path = renderTemplate(template.path, context);
  const query = renderMap(template.query, context);
  if (query.length > 0) path += (path.includes('?') ? '&' : '?') + new URLSearchParams(query).toString();
  return { method: template.method, path, headers, ...(body === undefined ? {} : { body }) };
}
