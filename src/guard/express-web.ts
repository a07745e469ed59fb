import type { Request as ExpressRequest, Response as ExpressResponse } from 'express';

/** Cookie-mode routes read at most a one-field form; larger bodies are not passed on. */
const MAX_BODY_BYTES = 16 * 1024;

/** Connection-level headers (and a length that no longer matches the re-encoded body) stay behind. */
const NOT_COPIED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'content-length']);

/**
 * A Web `Request` view of an Express request, for the framework-free cookie-mode core. The
 * origin is a placeholder: the core reads only the method, path, query, headers (and, for logout,
 * the body) and never trusts the Host header — redirect URIs come from configuration.
 */
export async function toWebRequest(req: ExpressRequest, withBody = false): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':') || NOT_COPIED.has(name)) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const url = new URL(req.originalUrl, 'http://express.invalid');
  const init: RequestInit = { method: req.method, headers };
  if (withBody && req.method !== 'GET' && req.method !== 'HEAD') {
    const body = await bodyOf(req);
    if (body !== undefined) {
      init.body = body.text;
      headers.set('content-type', body.type);
    }
  }
  return new Request(url, init);
}

/** The body as form text: from a body parser that already ran, or read (capped) from the stream. */
async function bodyOf(req: ExpressRequest): Promise<{ text: string; type: string } | undefined> {
  const parsed: unknown = req.body;
  if (typeof parsed === 'object' && parsed !== null && !Buffer.isBuffer(parsed)) {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string') form.set(key, value);
    return { text: form.toString(), type: 'application/x-www-form-urlencoded' };
  }
  if (!req.readable) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += bytes.byteLength;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(bytes);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), type: req.get('content-type') ?? '' };
}

/** Sends a Web `Response` through Express, keeping every `Set-Cookie` separate. */
export async function sendWebResponse(res: ExpressResponse, response: Response): Promise<void> {
  res.status(response.status);
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.set(name, value);
  }
  for (const cookie of response.headers.getSetCookie()) res.append('Set-Cookie', cookie);
  res.end(response.body === null ? undefined : Buffer.from(await response.arrayBuffer()));
}
