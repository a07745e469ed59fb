/**
 * A minimal browser for flows that cross origins: one cookie jar per host:port (so Gatehouse's
 * and each upstream's cookies stay apart), redirects followed by hand (303 turns into GET).
 * Cookie attributes are not enforced; tests check them where they matter (SameSite, __Host-).
 */
export class Browser {
  readonly #jars = new Map<string, Map<string, string>>();

  #jar(host: string): Map<string, string> {
    let jar = this.#jars.get(host);
    if (jar === undefined) {
      jar = new Map();
      this.#jars.set(host, jar);
    }
    return jar;
  }

  cookie(url: string, name: string): string | undefined {
    return this.#jar(new URL(url).host).get(name);
  }

  setCookie(url: string, name: string, value: string): void {
    this.#jar(new URL(url).host).set(name, value);
  }

  deleteCookie(url: string, name: string): void {
    this.#jar(new URL(url).host).delete(name);
  }

  /** Every Set-Cookie line of the last response per host, raw, for attribute checks. */
  readonly setCookieLines: string[] = [];

  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const jar = this.#jar(target.host);
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      this.setCookieLines.push(line);
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const expired = attributes.some(
        (a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()),
      );
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }

  /**
   * Follows redirects while they stay on loopback (Gatehouse and the test providers); stops at
   * the first non-redirect, at a redirect leaving (an OAuth client's redirect URI), or at one
   * `stopAt` matches (returned unfollowed).
   */
  async go(
    url: string | URL,
    init: RequestInit = {},
    stopAt: (next: URL) => boolean = () => false,
  ): Promise<{ response: Response; url: URL }> {
    let target = new URL(url);
    let request = init;
    for (let hop = 0; hop < 20; hop++) {
      const response = await this.fetch(target, request);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null)
        return { response, url: target };
      const next = new URL(location, target);
      if (next.hostname !== '127.0.0.1' || stopAt(next)) return { response, url: target };
      await response.body?.cancel();
      target = next;
      request = response.status === 307 || response.status === 308 ? request : {};
    }
    throw new Error('too many redirects');
  }

  /** Submits the first form of an HTML page (a form_post answer) with its hidden fields plus `extra`. */
  async submitForm(
    html: string,
    base: URL,
    extra: Record<string, string> = {},
    stopAt?: (next: URL) => boolean,
  ): Promise<{ response: Response; url: URL }> {
    const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
    if (action === undefined) throw new Error(`no form in: ${html.slice(0, 300)}`);
    const fields = new URLSearchParams();
    for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)"\/>/g)) {
      fields.set(unescapeHtml(match[1] ?? ''), unescapeHtml(match[2] ?? ''));
    }
    for (const [name, value] of Object.entries(extra)) fields.set(name, value);
    return this.go(
      new URL(unescapeHtml(action), base),
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: fields.toString(),
      },
      stopAt,
    );
  }
}

function unescapeHtml(text: string): string {
  return text
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}
