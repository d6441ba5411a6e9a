// Serves the built renderer (out/renderer) to a browser: known content types, no path escapes, SPA fallback.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
  isHtml: boolean;
}

export async function readStaticFile(rootDir: string, urlPath: string): Promise<StaticFile | null> {
  const decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  const relative = normalize(decoded).replace(/^([/\\])+/, '');
  const candidate = join(rootDir, relative);
  if (candidate !== rootDir && !candidate.startsWith(rootDir.endsWith(sep) ? rootDir : rootDir + sep)) return null;
  const tryRead = async (path: string): Promise<StaticFile | null> => {
    try {
      const body = await readFile(path);
      const type = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
      return { body, contentType: type, isHtml: type.startsWith('text/html') };
    } catch {
      return null;
    }
  };
  if (relative === '' || relative.endsWith(sep) || relative.endsWith('/')) return tryRead(join(rootDir, 'index.html'));
  // Unknown paths without an extension are client-side routes.
  return (await tryRead(candidate)) ?? (extname(relative) === '' ? tryRead(join(rootDir, 'index.html')) : null);
}
