/** Where a login may send the browser back to; longer values are refused rather than truncated. */
const MAX_RETURN_PATH_LENGTH = 2048;

/**
 * `value` if it is a same-origin relative path (`/orders?id=1`), else null. Refuses everything
 * a browser could resolve to another origin: absolute URLs, scheme-relative `//host`, the
 * backslash variants browsers treat as slashes (`/\host`), and control characters (which the
 * URL parser strips, turning `/\t/host` into `//host`).
 */
export function safeReturnPath(value: string | null | undefined): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_RETURN_PATH_LENGTH) return null;
  if (!value.startsWith('/') || value.startsWith('//')) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return null;
  // Belt and braces: whatever the checks above missed, the path must stay on a dummy origin.
  const base = 'http://return-path.invalid';
  const resolved = URL.parse(value, base);
  if (resolved === null || resolved.origin !== base) return null;
  return value;
}
