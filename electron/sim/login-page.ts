// A login page a person can use (for browser sign-in rehearsals): GET /login shows a form; POST /login checks the
// password and sets the session as cookies (sim_access, sim_refresh), then shows who is signed in.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BookingService } from './booking-service';

const page = (title: string, body: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const FORM = `<form method="post" action="/login">
<label>Username <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button></form>`;

export function serveLoginPage(
  service: BookingService,
  request: IncomingMessage,
  body: string,
  response: ServerResponse,
): void {
  const html = (status: number, text: string, headers: Record<string, string | string[]> = {}): void => {
    response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(text);
  };
  if (request.method === 'GET') {
    html(200, page('Simulator sign-in', FORM));
    return;
  }
  const form = new URLSearchParams(body);
  const username = form.get('username') ?? '';
  const password = form.get('password') ?? '';
  if (!service.sessions.verify(username, password)) {
    html(401, page('Simulator sign-in', `<p role="alert">Wrong username or password.</p>${FORM}`));
    return;
  }
  const nowMs = service.clock.nowTrueMs();
  const tokens = service.sessions.login(username, nowMs);
  const cookie = (name: string, value: string, maxAgeMs: number): string =>
    `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${Math.floor(maxAgeMs / 1000)}`;
  html(
    200,
    page('Signed in', `<p data-signed-in="${escapeHtml(username)}">Signed in as ${escapeHtml(username)}.</p>`),
    {
      'set-cookie': [
        cookie('sim_access', tokens.accessToken, tokens.accessExpiresInMs),
        cookie('sim_refresh', tokens.refreshToken, tokens.refreshExpiresInMs),
      ],
    },
  );
}
