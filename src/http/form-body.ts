import type { Context } from 'hono';
import { type OAuthFailure, oauthFail } from '../oauth/errors.ts';

export type FormParams = Record<string, string | undefined>;

/**
 * Reads an `application/x-www-form-urlencoded` body. A parameter sent twice is an error
 * (RFC 6749 §3.1), since which copy wins would be a parser accident.
 */
export async function readForm(c: Context): Promise<{ ok: true; value: FormParams } | OAuthFailure> {
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    return oauthFail('invalid_request', 'the body must be application/x-www-form-urlencoded');
  }
  return paramsFrom(new URLSearchParams(await c.req.text()));
}

export function paramsFrom(search: URLSearchParams): { ok: true; value: FormParams } | OAuthFailure {
  const value: FormParams = {};
  const seen = new Set<string>();
  for (const [name, entry] of search) {
    if (seen.has(name)) return oauthFail('invalid_request', `${name} is repeated`);
    seen.add(name);
    // An empty parameter is treated as omitted (RFC 6749 §3.1).
    if (entry !== '') value[name] = entry;
  }
  return { ok: true, value };
}
