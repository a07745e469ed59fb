import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser } from './browser.ts';
import { type PageServer, startPageServer } from './page-server.ts';

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'";

function assertPageHeaders(headers: Headers, label: string) {
  assert.equal(headers.get('content-security-policy'), CSP, label);
  assert.equal(headers.get('x-frame-options'), 'DENY', label);
  assert.equal(headers.get('x-content-type-options'), 'nosniff', label);
  assert.equal(headers.get('referrer-policy'), 'strict-origin-when-cross-origin', label);
  assert.equal(headers.get('cache-control'), 'no-store', label);
}

describe('page security headers and assets', () => {
  let server: PageServer;
  before(async () => {
    server = await startPageServer({
      config: {
        brand: {
          name: 'Acme <script>alert(1)</script> & "Co"',
          color: '#ffcc00',
          logo_url: 'https://cdn.example/logo.png',
        },
      },
    });
  });
  after(() => server.close());

  it('puts CSP and the other headers on every page, redirects and 403s included', async () => {
    const browser = new Browser(server.url);
    const paths = [
      '/login',
      '/signup',
      '/signup/verify',
      '/password/forgot',
      '/password/reset',
      '/account',
      '/consent',
    ];
    for (const path of paths) {
      const page = await browser.get(path);
      assert.ok([200, 303, 400].includes(page.status), `${path}: ${page.status}`);
      assertPageHeaders(page.headers, path);
      assert.equal(page.headers.get('strict-transport-security'), null, 'no HSTS on an http issuer');
      assert.doesNotMatch(page.html, /style=|<script|<style/i, `${path}: no inline style or script`);
    }
    const refused = await browser.post('/logout', {});
    assert.equal(refused.status, 403);
    assertPageHeaders(refused.headers, 'CSRF 403');
  });

  it('leaves the JSON API without the page CSP (page middleware does not leak)', async () => {
    const response = await fetch(`${server.url}/health`);
    assert.equal(response.headers.get('content-security-policy'), null);
  });

  it('escapes a hostile brand name and uses the https logo', async () => {
    const page = await new Browser(server.url).get('/login');
    assert.match(page.html, /Acme &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;Co&quot;/);
    assert.doesNotMatch(page.html, /<script>alert/);
    assert.match(page.html, /<img src="https:\/\/cdn\.example\/logo\.png" alt="">/);
  });

  it('serves the stylesheets itself with CSS content types and a long cache for versioned URLs', async () => {
    const page = await new Browser(server.url).get('/login');
    const hrefs = [...page.html.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((m) => m[1] ?? '');
    assert.equal(hrefs.length, 2);
    for (const href of hrefs) {
      assert.match(href, /^\/assets\/(gatehouse|brand)\.css\?v=[A-Za-z0-9_-]{12}$/);
      const css = await fetch(`${server.url}${href}`);
      assert.equal(css.status, 200);
      assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
      assert.equal(css.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(css.headers.get('x-content-type-options'), 'nosniff');
    }
    const brand = await (await fetch(`${server.url}${hrefs[1]}`)).text();
    assert.match(brand, /--brand: #ffcc00; --brand-text: #111111;/);
    const stale = await fetch(`${server.url}/assets/gatehouse.css?v=old`);
    assert.equal(stale.headers.get('cache-control'), 'public, max-age=300');
    const main = await (await fetch(`${server.url}${hrefs[0]}`)).text();
    assert.match(main, /prefers-color-scheme: dark/);
  });
});

describe('page headers on an https issuer', () => {
  let server: PageServer;
  before(async () => {
    server = await startPageServer({ issuer: (port) => `https://127.0.0.1:${port}` });
  });
  after(() => server.close());

  it('adds HSTS and checks Origin against the https issuer', async () => {
    const browser = new Browser(server.url, server.origin);
    const page = await browser.get('/login');
    assert.equal(page.headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains');
    const response = await browser.submit('/login', '/login', {
      email: 'x@example.com',
      password: 'whatever123',
    });
    assert.equal(response.status, 401, 'https origin accepted');
    const httpOrigin = await browser.submit(
      '/login',
      '/login',
      { email: 'x@example.com', password: 'whatever123' },
      {
        origin: server.url,
      },
    );
    assert.equal(httpOrigin.status, 403);
  });
});
