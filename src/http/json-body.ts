import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { problem } from './problem.ts';

export const MAX_BODY_BYTES = 64 * 1024;

/** 413 for bodies over 64 KiB (§2), checked while streaming, not only by Content-Length. */
export const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: (c) => problem(c, 'payload_too_large', `the body must be at most ${MAX_BODY_BYTES} bytes`),
});

export type Parsed<T> = { ok: true; value: T } | { ok: false; response: Response };

/**
 * Reads a JSON body and validates it: 415 for another media type, 400 `invalid_request` naming
 * the first bad field. Unknown fields are ignored (schemas strip them).
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<Parsed<z.output<S>>> {
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json' && !type?.endsWith('+json')) {
    return { ok: false, response: problem(c, 'unsupported_media_type', 'send the body as application/json') };
  }
  let json: unknown;
  try {
    json = JSON.parse(await c.req.text());
  } catch {
    return { ok: false, response: problem(c, 'invalid_request', 'the body is not valid JSON') };
  }
  const parsed = schema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') ?? '';
    const detail = field === '' ? 'the body must be a JSON object' : `${field}: ${describeIssue(issue)}`;
    return { ok: false, response: problem(c, 'invalid_request', detail) };
  }
  return { ok: true, value: parsed.data };
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'invalid';
  if (issue.code === 'invalid_type')
    return issue.input === undefined ? 'is required' : `must be a ${issue.expected}`;
  return issue.message;
}
