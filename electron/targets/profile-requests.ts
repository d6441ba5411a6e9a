// Renders a profile's request template into a request the pipeline can send.
import type { RequestTemplate, TargetProfile } from './profile-schema';
import { renderJson, renderTemplate, type TemplateContext } from './template';

export interface RenderedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export function renderRequest(
  template: RequestTemplate,
  context: TemplateContext,
  auth?: { name: string; value: string },
): RenderedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(template.headers))
    headers[name.toLowerCase()] = renderTemplate(value, context);
  if (auth) headers[auth.name.toLowerCase()] = renderTemplate(auth.value, context);
  let body: string | undefined;
  if (template.json !== undefined) {
    body = JSON.stringify(renderJson(template.json, context));
    headers['content-type'] ??= 'application/json';
  }
  return {
    method: template.method,
    path: renderTemplate(template.path, context),
    headers,
    ...(body === undefined ? {} : { body }),
  };
}

/** The auth header for requests made with an access token. */
export const authHeader = (profile: TargetProfile): { name: string; value: string } => profile.auth.header;
