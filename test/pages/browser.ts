/**
 * A minimal browser for page tests: keeps cookies by hand (fetch has no jar), never follows
 * redirects, and sends form posts with the `Origin` a same-origin browser would send.
 */

export interface PageResponse {
  status: number;
  headers: Headers;
  html: string;
  location: string | null;
  /** Raw Set-Cookie lines of this response. */
  setCookies: string[];
}

export interface PostOptions {
  /** `Origin` header: the server's origin by default; null sends none. */
  origin?: string | null;
  headers?: Record<string, string>;
}

export class Browser {
  readonly cookies = new Map<string, string>();
  readonly #base: string;
  readonly #origin: string;

  constructor(base: string, origin = new URL(base).origin) {
    this.#base = base;
    this.#origin = origin;
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<PageResponse> {
    return this.#send(path, { method: 'GET', headers: { ...this.#cookieHeader(), ...headers } });
  }

  async post(path: string, fields: Record<string, string>, options: PostOptions = {}): Promise<PageResponse> {
    const origin = options.origin === undefined ? this.#origin : options.origin;
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      ...this.#cookieHeader(),
      ...(origin === null ? {} : { origin }),
      ...options.headers,
    };
    return this.#send(path, { method: 'POST', headers, body: new URLSearchParams(fields).toString() });
  }

  /** GET a page with a form, then post that form with its CSRF token and the given fields. */
  async submit(formPage: string, action: string, fields: Record<string, string>, options: PostOptions = {}) {
    const page = await this.get(formPage);
    return this.post(action, { csrf: csrfFrom(page.html), ...fields }, options);
  }

  async #send(path: string, init: RequestInit): Promise<PageResponse> {
    const response = await fetch(new URL(path, this.#base), { ...init, redirect: 'manual' });
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return {
      status: response.status,
      headers: response.headers,
      html: await response.text(),
      location: response.headers.get('location'),
      setCookies,
    };
  }

  #cookieHeader(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') };
  }
}

export function csrfFrom(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no csrf field in page');
  return match[1];
}

export const SESSION_COOKIE = '__Host-gatehouse_session';
export const CSRF_COOKIE = '__Host-gatehouse_csrf';
