/** Discovery documents and key sets are small; anything bigger is a misconfiguration or an attack. */
const MAX_BODY_BYTES = 512 * 1024;

/**
 * GETs a JSON object. Throws (with a message safe to log, no body content) on any network error,
 * non-2xx status, redirect, oversize or non-object body. `signal` bounds the whole exchange,
 * body included, so a server that trickles bytes cannot hold a verification open.
 */
export async function fetchJsonObject(
  fetchFn: typeof fetch,
  url: string,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  const response = await fetchFn(url, {
    headers: { accept: 'application/json' },
    // The issuer's metadata is fetched from exactly where it was configured; a redirect could
    // move key material to another origin.
    redirect: 'error',
    signal,
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`unexpected status ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) {
    await response.body?.cancel();
    throw new Error('response too large');
  }
  const body = await readCapped(response);
  const parsed: unknown = JSON.parse(body);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('response is not a JSON object');
  }
  return parsed as Record<string, unknown>;
}

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    // Throwing out of the loop cancels the stream, so the rest is never downloaded.
    if (size > MAX_BODY_BYTES) throw new Error('response too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
