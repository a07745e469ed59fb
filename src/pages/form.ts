import type { Context } from 'hono';

/** The string fields of a posted form; files and absent fields read as ''. */
export interface FormFields {
  get(name: string): string;
}

/**
 * Reads an urlencoded or multipart body. Anything else (JSON, garbage) reads as an empty form,
 * which then fails the CSRF check: bad input is a 4xx, never a 5xx.
 */
export async function readForm(c: Context): Promise<FormFields> {
  let body: Record<string, unknown> = {};
  try {
    body = await c.req.parseBody();
  } catch {
    body = {};
  }
  return {
    get(name) {
      const value = body[name];
      return typeof value === 'string' ? value : '';
    },
  };
}
