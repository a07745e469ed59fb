/**
 * The credentials part of an `Authorization` header that uses the Bearer scheme (RFC 6750 §2.1;
 * the scheme name is case-insensitive).
 * - `undefined`: no header, or another scheme — the request carries no bearer token at all.
 * - a string (possibly empty or malformed): a bearer token was offered and must be verified.
 */
export function bearerToken(authorization: string | null | undefined): string | undefined {
  if (typeof authorization !== 'string') return undefined;
  const match = /^bearer(?:[ \t]+(.*))?$/i.exec(authorization.trim());
  if (match === null) return undefined;
  return (match[1] ?? '').trim();
}
