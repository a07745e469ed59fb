/**
 * Runs the example: `node examples/hono-cookie-app/server.ts` with the environment described in
 * README.md. A real app imports `createCookieSession` from 'gatehouse/guard/hono'.
 */
import { serve } from '@hono/node-server';
import { createCookieSession } from '../../src/guard/hono.ts';
import { createApp } from './app.ts';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    console.error(`${name} is required (see examples/hono-cookie-app/README.md)`);
    process.exit(1);
  }
  return value;
}

const appUrl = new URL(required('APP_URL'));
// Plain http is for local development only: browsers drop `Secure` cookies there, and the
// `__Host-` prefix requires Secure, so the cookies get plain names.
const secure = appUrl.protocol === 'https:';

const session = createCookieSession({
  issuer: required('GATEHOUSE_ISSUER'),
  clientId: required('CLIENT_ID'),
  clientSecret: required('CLIENT_SECRET'),
  redirectUri: new URL('/auth/callback', appUrl).href,
  postLogoutRedirectUri: new URL('/', appUrl).href,
  secret: required('SESSION_SECRET'),
  secure,
  ...(secure ? {} : { cookieName: 'example_session' }),
  ...(process.env['AUDIENCE'] ? { audience: process.env['AUDIENCE'] } : {}),
});

const port = Number(process.env['PORT'] ?? (appUrl.port || (secure ? 443 : 80)));
serve({ fetch: createApp(session).fetch, port, hostname: process.env['HOST'] ?? '127.0.0.1' }, () => {
  console.log(`cookie-mode example listening on ${appUrl.origin} (port ${port})`);
});
