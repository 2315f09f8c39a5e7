// GET /chat: the chat page (@didcomm-ts/chat), built ahead of time into a flat folder of static
// files and read into memory once at start. The page is revalidated on every load; its assets
// carry content hashes in their names and are immutable. A CSP lets the page load only from
// this origin and talk only to it and to the mediator's own endpoints.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
}

export type ChatHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

/**
 * Where the page is: in the repository, the build of @didcomm-ts/chat (the workspace, always
 * current); in an installed package, the copy its prepack put in dist/chat (the chat package is
 * private, so it is never installed next to us).
 */
export function defaultChatDir(): string | undefined {
  try {
    const site = join(dirname(createRequire(import.meta.url).resolve('@didcomm-ts/chat/package.json')), 'dist', 'site');
    if (existsSync(join(site, 'index.html'))) return site;
  } catch {}
  const shipped = fileURLToPath(new URL('./chat', import.meta.url));
  return existsSync(join(shipped, 'index.html')) ? shipped : undefined;
}

function load(dir: string | undefined): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!dir || !existsSync(join(dir, 'index.html'))) return files;
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    const path = join(dir, name);
    if (!type || !statSync(path).isFile()) continue;
    const body = readFileSync(path);
    files.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  return files;
}

/** The handler for /chat and /chat/<asset>; `mediator` are the URLs in the mediator's DID. */
export function chatSite(dir: string | undefined, mediator: { httpUrl: string; wsUrl: string }): ChatHandler {
  const files = load(dir);
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src 'self' ${mediator.httpUrl} ${mediator.wsUrl}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  const common = { 'content-security-policy': csp, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };
  return (req, res, url) => {
    // The page's assets are relative to /chat (chat/<name>), so /chat/ would break them.
    if (url.pathname === '/chat/') {
      res.writeHead(301, { location: `../chat${url.search}`, 'content-length': '0' }).end();
      return;
    }
    const name = url.pathname === '/chat' ? 'index.html' : url.pathname.slice('/chat/'.length);
    const file = name === 'index.html' && url.pathname !== '/chat' ? undefined : files.get(name);
    if (!file) {
      const body = files.size === 0 ? 'The chat page is not built here: run `npm run build` (it builds packages/chat), then restart the mediator.\n' : 'not found\n';
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...common }).end(body);
      return;
    }
    const headers = {
      'content-type': file.type,
      etag: file.etag,
      'cache-control': name === 'index.html' || name === 'icon.svg' ? 'no-cache' : 'public, max-age=31536000, immutable',
      ...common,
    };
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': file.body.length }).end(file.body);
  };
}
