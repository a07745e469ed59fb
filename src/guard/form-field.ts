/** A logout form is one hidden field; a bigger body is not one of ours and is not read further. */
const MAX_FORM_BYTES = 16 * 1024;

/**
 * One field of an `application/x-www-form-urlencoded` request body, or undefined (other body
 * types, oversize bodies, absent field). Reads a clone, so the body stays readable for the route.
 */
export async function readFormField(request: Request, name: string): Promise<string | undefined> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return undefined;
  if (request.body === null || request.bodyUsed) return undefined;
  const reader = request.clone().body?.getReader();
  if (reader === undefined) return undefined;
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_FORM_BYTES) return undefined;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return new URLSearchParams(text + decoder.decode()).get(name) ?? undefined;
}
