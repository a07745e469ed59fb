import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../../src/config/config.ts';
import { loadConfig } from '../../src/config/load.ts';
import { configuredProviders, resolveProvider } from '../../src/federation/providers.ts';
import { federatedSignIn, sessionUserId, startWorld, type World } from './world.ts';

describe('a first federated sign-in follows the sign-up rules', () => {
  describe('sign-up disabled', () => {
    let world: World;
    before(async () => {
      world = await startWorld({ config: { signup: { enabled: false } } });
    });
    after(() => world.close());

    it('creates no account, and says so; an identity linked already still signs in', async () => {
      world.google.accounts.set('closed-1', { email: 'closed@example.com', email_verified: true });
      world.google.nextLogin = 'closed-1';
      const refused = await federatedSignIn(world, 'google');
      assert.equal(refused.response.status, 403);
      assert.match(await refused.response.text(), /new accounts cannot be created/);
      assert.equal(await world.server.core.store.getUserByEmail('closed@example.com'), null);

      const now = Date.now();
      await world.server.core.store.createUser({
        id: 'usr_existing_closed',
        email: 'admin-made@example.com',
        emailVerified: true,
        name: null,
        passwordHash: null,
        roles: [],
        disabled: false,
        createdAt: now,
        updatedAt: now,
      });
      await world.server.core.store.linkIdentity({
        id: 'fid_closed',
        userId: 'usr_existing_closed',
        issuer: world.google.issuer,
        subject: 'closed-2',
        provider: 'google',
        email: null,
        createdAt: now,
      });
      world.google.accounts.set('closed-2', { email: 'whatever@example.com', email_verified: true });
      world.google.nextLogin = 'closed-2';
      const allowed = await federatedSignIn(world, 'google');
      assert.equal(allowed.response.status, 303);
      assert.equal(await sessionUserId(world, allowed.browser), 'usr_existing_closed');
    });

    it('refuses a disabled account', async () => {
      await world.server.core.store.updateUser('usr_existing_closed', { disabled: true }, Date.now());
      world.google.nextLogin = 'closed-2';
      const { response, browser } = await federatedSignIn(world, 'google');
      assert.equal(response.status, 403);
      assert.match(await response.text(), /disabled/);
      assert.equal(await sessionUserId(world, browser), null);
    });
  });

  describe('allowed email domains', () => {
    let world: World;
    before(async () => {
      world = await startWorld({
        config: { signup: { enabled: true, allowed_email_domains: ['example.com'] } },
      });
    });
    after(() => world.close());

    it('creates accounts only for the allowed domains', async () => {
      world.google.accounts.set('dom-ok', { email: 'in@example.com', email_verified: true });
      world.google.accounts.set('dom-no', { email: 'out@elsewhere.org', email_verified: true });
      world.google.nextLogin = 'dom-ok';
      assert.equal((await federatedSignIn(world, 'google')).response.status, 303);
      world.google.nextLogin = 'dom-no';
      const refused = await federatedSignIn(world, 'google');
      assert.equal(refused.response.status, 403);
      assert.match(await refused.response.text(), /email domain cannot be created/);
      assert.equal(await world.server.core.store.getUserByEmail('out@elsewhere.org'), null);
    });
  });
});

describe('provider configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-providers-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const load = (providers: unknown) => {
    const file = join(dir, `config-${Math.random()}.json`);
    writeFileSync(file, JSON.stringify({ providers }));
    return loadConfig({ GATEHOUSE_CONFIG: file, GATEHOUSE_DATA_DIR: dir });
  };

  it('resolves Google, Apple and generic providers with their defaults, in config order', () => {
    const config = load({
      google: { client_id: 'g', client_secret: 's' },
      apple: { client_id: 'a', team_id: 't', key_id: 'k', private_key: 'p' },
      okta: { type: 'oidc', client_id: 'o', issuer: 'https://example.okta.com', label: 'Okta' },
      workspace: { type: 'google', client_id: 'w', client_secret: 's', hd: 'example.com', label: 'Staff' },
    });
    assert.deepEqual(configuredProviders(config), [
      { id: 'google', label: 'Google' },
      { id: 'apple', label: 'Apple' },
      { id: 'okta', label: 'Okta' },
      { id: 'workspace', label: 'Staff' },
    ]);
    const google = resolveProvider(config, 'google');
    assert.equal(google?.issuer, 'https://accounts.google.com');
    assert.deepEqual(google?.acceptedIssuers, ['https://accounts.google.com', 'accounts.google.com']);
    assert.equal(google?.idTokenAlg, 'RS256');
    const apple = resolveProvider(config, 'apple');
    assert.equal(apple?.issuer, 'https://appleid.apple.com');
    assert.equal(apple?.responseMode, 'form_post');
    assert.deepEqual(apple?.scopes, ['openid', 'email', 'name']);
    assert.deepEqual(resolveProvider(config, 'okta')?.acceptedIssuers, ['https://example.okta.com']);
    assert.equal(resolveProvider(config, 'workspace')?.hostedDomain, 'example.com');
    assert.equal(resolveProvider(config, 'constructor'), null);
    assert.equal(resolveProvider(config, 'nope'), null);
  });

  it('refuses incomplete providers at start-up, naming the JSON path', () => {
    const cases: [unknown, RegExp][] = [
      [{ okta: { client_id: 'o', issuer: 'https://example.okta.com' } }, /providers\.okta\.type/],
      [{ okta: { type: 'oidc', client_id: 'o' } }, /providers\.okta\.issuer/],
      [{ google: { client_id: 'g' } }, /providers\.google\.client_secret/],
      [{ apple: { client_id: 'a', team_id: 't', key_id: 'k' } }, /providers\.apple\.private_key/],
      [
        { okta: { type: 'oidc', client_id: 'o', issuer: 'https://x.example', hd: 'x' } },
        /providers\.okta\.hd/,
      ],
      [
        { google: { client_id: 'g', client_secret: 's', id_token_signed_response_alg: 'none' } },
        /providers\.google\.id_token_signed_response_alg/,
      ],
      [
        { google: { client_id: 'g', client_secret: 's', id_token_signed_response_alg: 'HS256' } },
        /providers\.google\.id_token_signed_response_alg/,
      ],
    ];
    for (const [providers, message] of cases) {
      assert.throws(
        () => load(providers),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, message);
          return true;
        },
      );
    }
  });
});
