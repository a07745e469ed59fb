/**
 * A small server-rendered app signing users in with Gatehouse in cookie mode: the server holds the
 * tokens in a sealed HttpOnly cookie; the page's JavaScript never sees one. It only reads the CSRF
 * cookie and echoes it in the `X-CSRF-Token` header of its fetch() calls.
 *
 * A real app imports from the package: `import { cookieAuth, … } from 'gatehouse/guard/hono'`.
 */
import { Hono } from 'hono';
import { html } from 'hono/html';
import {
  type CookieAuthEnv,
  type CookieSession,
  cookieAuth,
  cookieAuthRoutes,
} from '../../src/guard/hono.ts';
import { PAGE_SCRIPT } from './page-script.ts';

interface Note {
  text: string;
  at: string;
}

export function createApp(session: CookieSession): Hono {
  // Demo storage: notes per user, in memory.
  const notes = new Map<string, Note[]>();
  const app = new Hono();

  app.use(async (c, next) => {
    await next();
    // The page loads only its own script; nothing may frame it.
    c.header('Content-Security-Policy', "default-src 'self'; frame-ancestors 'none'; base-uri 'none'");
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
  });

  // /auth/login, /auth/callback, /auth/logout (redirectUri must be APP_URL + /auth/callback).
  app.route('/auth', cookieAuthRoutes(session));

  app.get('/', async (c) => {
    // Pages call authenticate() directly: an anonymous visitor gets a sign-in link, not a 401.
    const result = await session.authenticate(c.req.raw);
    for (const cookie of result.setCookies) c.header('set-cookie', cookie, { append: true });
    c.header('Cache-Control', 'no-store');
    if (!result.ok) {
      return c.html(
        layout(html`<p>You are not signed in.</p>
          <p><a href="/auth/login?return_to=/">Sign in with Gatehouse</a></p>`),
      );
    }
    const { user, claims, csrfToken } = result;
    const mine = notes.get(user.sub) ?? [];
    return c.html(
      layout(
        html`<p>Signed in as <strong>${user.name ?? user.email ?? user.sub}</strong>
            ${user.email === undefined ? '' : html`(${user.email})`}</p>
          <p>Roles: ${claims.roles.join(', ') || 'none'} · scopes: ${claims.scope}</p>
          <h2>Notes</h2>
          <ul id="notes">
            ${mine.map((note) => html`<li>${note.text}</li>`)}
          </ul>
          <form id="note-form">
            <label for="note">New note</label>
            <input id="note" name="text" required maxlength="200" />
            <button type="submit">Add</button>
          </form>
          <p id="status" role="status"></p>
          <form method="post" action="/auth/logout">
            <input type="hidden" name="csrf_token" value="${csrfToken}" />
            <button type="submit">Sign out</button>
          </form>`,
        session.cookieNames.csrf,
      ),
    );
  });

  app.get('/app.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    return c.body(PAGE_SCRIPT);
  });

  // The API the page calls. GET needs only the session; POST also needs the CSRF header.
  const api = new Hono<CookieAuthEnv>();
  api.use(cookieAuth({ session }));
  api.get('/me', (c) => c.json(c.get('authSession').user));
  api.get('/notes', (c) => c.json(notes.get(c.get('auth').sub) ?? []));
  api.post('/notes', async (c) => {
    const body: unknown = await c.req.json().catch(() => null);
    const text = typeof body === 'object' && body !== null ? (body as { text?: unknown }).text : undefined;
    if (typeof text !== 'string' || text.trim().length === 0 || text.length > 200) {
      return c.json({ error: 'invalid_request', error_description: 'text: 1 to 200 characters' }, 400);
    }
    const sub = c.get('auth').sub;
    const note = { text: text.trim(), at: new Date().toISOString() };
    notes.set(sub, [...(notes.get(sub) ?? []), note]);
    return c.json(note, 201);
  });
  app.route('/api', api);

  return app;
}

function layout(body: unknown, csrfCookie?: string) {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>Gatehouse cookie-mode example</title>
        ${csrfCookie === undefined ? '' : html`<meta name="csrf-cookie" content="${csrfCookie}" />`}
        <script src="/app.js" defer></script>
      </head>
      <body>
        <h1>Gatehouse cookie-mode example</h1>
        ${body}
      </body>
    </html>`;
}
