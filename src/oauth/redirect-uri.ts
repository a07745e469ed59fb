/**
 * Exact string match (RFC 9700 §4.1.3), with one exception from RFC 8252 §7.3: a registered
 * loopback IP redirect (`http://127.0.0.1/…`, `http://[::1]/…`) matches on any port, because
 * native apps bind an ephemeral port at run time. `localhost` gets no such leniency (§8.3).
 */
export function matchesRedirectUri(registered: readonly string[], presented: string): boolean {
  if (registered.includes(presented)) return true;
  const loopback = withoutLoopbackPort(presented);
  if (loopback === null) return false;
  return registered.some((uri) => withoutLoopbackPort(uri) === loopback);
}

function withoutLoopbackPort(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' || (url.hostname !== '127.0.0.1' && url.hostname !== '[::1]')) return null;
  // Compare the raw text minus the port, so normalisation can't make two different URIs equal.
  const authority = `${url.protocol}//${url.hostname}${url.port === '' ? '' : `:${url.port}`}`;
  if (!uri.startsWith(authority)) return null;
  return `http://${url.hostname}${uri.slice(authority.length)}`;
}
