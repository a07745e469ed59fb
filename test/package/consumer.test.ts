import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const root = new URL('../../', import.meta.url).pathname;
const node = join(root, 'node_modules/.bin/node');

// The README's "Protecting an API" and cookie-mode examples, as a consumer writes them.
const README_EXAMPLES = `
import express from 'express';
import { Hono } from 'hono';
import { createHttpApiAuthorizer, createRequestAuthorizer, createTokenAuthorizer, handler } from 'gatehouse/aws';
import { createVerifier, type AccessTokenClaims } from 'gatehouse/guard';
import { requireAuth as requireAuthExpress } from 'gatehouse/guard/express';
import { cookieAuth, cookieAuthRoutes, createCookieSession, requireAuth } from 'gatehouse/guard/hono';
import { createCore, loadConfig, startNodeServer } from 'gatehouse';

const verifier = createVerifier({ issuer: 'https://auth.example.com', audience: 'https://api.example.com' });
const app = new Hono();
app.get('/expenses', requireAuth({ verifier, scopes: ['expenses:read'] }), (c) => c.json({ owner: c.get('auth').sub }));

const api = express();
api.get('/expenses', requireAuthExpress({ verifier, roles: ['admin'] }), (req, res) => {
  const claims: AccessTokenClaims | undefined = req.auth;
  res.json({ owner: claims?.sub });
});

const options = { issuer: 'https://auth.example.com', audience: 'https://api.example.com', scopes: ['expenses:read'] };
export const tokenAuthorizer = createTokenAuthorizer(options);
export const requestAuthorizer = createRequestAuthorizer(options);
export const httpApiAuthorizer = createHttpApiAuthorizer(options);
export { handler };

const session = createCookieSession({
  issuer: 'https://auth.example.com',
  clientId: 'web',
  clientSecret: 'a-secret',
  redirectUri: 'https://app.example.com/auth/callback',
  postLogoutRedirectUri: 'https://app.example.com/',
  audience: 'https://api.example.com',
  secret: 'a-session-secret-of-at-least-32-bytes!!',
});
const web = new Hono();
web.route('/auth', cookieAuthRoutes(session));
web.post('/api/notes', cookieAuth({ session, scopes: ['notes:write'] }), (c) => c.json({ by: c.get('auth').sub }));

export const embedded = () => startNodeServer(loadConfig({ PORT: '0' }));
export const core = () => createCore(loadConfig({}));
`;

describe('the published package, as a consumer sees it (npm run build, then exports only)', () => {
  let consumer: string;
  before(() => {
    const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    consumer = mkdtempSync(join(tmpdir(), 'gatehouse-consumer-'));
    mkdirSync(join(consumer, 'node_modules'));
    symlinkSync(root, join(consumer, 'node_modules', 'gatehouse'));
    for (const dep of ['hono', 'express', '@types']) {
      symlinkSync(join(root, 'node_modules', dep), join(consumer, 'node_modules', dep));
    }
    writeFileSync(join(consumer, 'package.json'), '{"type":"module"}');
    writeFileSync(join(consumer, 'app.ts'), README_EXAMPLES);
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2024',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
        },
        files: ['app.ts'],
      }),
    );
  });
  after(() => rmSync(consumer, { recursive: true, force: true }));

  it('typechecks the README examples against dist/*.d.ts through package exports', () => {
    const tsc = spawnSync(node, [join(root, 'node_modules/typescript/bin/tsc'), '-p', consumer], {
      encoding: 'utf8',
    });
    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  });

  it('loads every export entry from dist at run time', () => {
    const script = `for (const entry of ['gatehouse', 'gatehouse/guard', 'gatehouse/guard/hono', 'gatehouse/guard/express', 'gatehouse/aws']) {
      const m = await import(entry);
      if (Object.keys(m).length === 0) throw new Error(entry + ' exports nothing');
    }
    console.log('ok');`;
    const run = spawnSync(node, ['--input-type=module', '-e', script], { cwd: consumer, encoding: 'utf8' });
    assert.equal(run.stdout.trim(), 'ok', run.stderr);
  });
});
