import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { bearer, json, register, registrationOptions, signInOptions, signUpOptions } from './ceremonies.ts';
import { SoftAuthenticator } from './soft-authenticator.ts';

/**
 * §2: nothing answers 5xx for bad input. `response` is attacker-controlled and reaches the
 * WebAuthn library; each malformed variant must come back as a 4xx problem (400 for a shape the
 * route can name, 400/401 for content the library refuses).
 */
type Json = Record<string, unknown>;
type Mutation = [title: string, mutate: (r: Json) => unknown];

const b64 = (data: string | Uint8Array) => Buffer.from(data).toString('base64url');
const inner = (r: Json) => r['response'] as Json;
const withInner = (r: Json, patch: Json) => ({ ...r, response: { ...inner(r), ...patch } });

const common: Mutation[] = [
  ['a string instead of an object', () => 'not a credential'],
  ['null', () => null],
  ['an empty object', () => ({})],
  ['an array', () => [1, 2, 3]],
  ['another credential type', (r) => ({ ...r, type: 'password' })],
  ['id and rawId that differ', (r) => ({ ...r, rawId: b64('other') })],
  ['an empty id', (r) => ({ ...r, id: '', rawId: '' })],
  ['a numeric clientDataJSON', (r) => withInner(r, { clientDataJSON: 12 })],
  ['clientDataJSON that is not base64url JSON', (r) => withInner(r, { clientDataJSON: '%%%not-base64%%%' })],
  ['clientDataJSON that decodes to JSON null', (r) => withInner(r, { clientDataJSON: b64('null') })],
  ['clientDataJSON that decodes to an array', (r) => withInner(r, { clientDataJSON: b64('[]') })],
  [
    'clientDataJSON with a non-string challenge',
    (r) => withInner(r, { clientDataJSON: b64('{"type":"webauthn.get","challenge":{}}') }),
  ],
  ['a 60 KiB field', (r) => withInner(r, { clientDataJSON: 'A'.repeat(60_000) })],
];

const registrationOnly: Mutation[] = [
  ['no attestationObject', (r) => withInner(r, { attestationObject: undefined })],
  [
    'an attestationObject of garbage bytes',
    (r) => withInner(r, { attestationObject: b64('\xff\x00garbage') }),
  ],
  [
    'an attestationObject that is a CBOR string',
    (r) => withInner(r, { attestationObject: b64(isoCBOR.encode('x')) }),
  ],
  [
    'an attestationObject with truncated authData',
    (r) =>
      withInner(r, {
        attestationObject: b64(
          isoCBOR.encode(
            new Map<string, Parameters<typeof isoCBOR.encode>[0]>([
              ['fmt', 'none'],
              ['attStmt', new Map()],
              ['authData', new Uint8Array(20)],
            ]),
          ),
        ),
      }),
  ],
  [
    'fmt none with an attestation statement',
    (r) => {
      const decoded = isoCBOR.decodeFirst<Map<string, unknown>>(
        Buffer.from(String(inner(r)['attestationObject']), 'base64url'),
      );
      decoded.set('attStmt', new Map([['sig', new Uint8Array(8)]]));
      return withInner(r, { attestationObject: b64(isoCBOR.encode(decoded as never)) });
    },
  ],
  [
    'fmt packed with a bogus statement',
    (r) => {
      const decoded = isoCBOR.decodeFirst<Map<string, unknown>>(
        Buffer.from(String(inner(r)['attestationObject']), 'base64url'),
      );
      decoded.set('fmt', 'packed');
      decoded.set(
        'attStmt',
        new Map<string, unknown>([
          ['alg', -7],
          ['sig', new Uint8Array(8)],
        ]),
      );
      return withInner(r, { attestationObject: b64(isoCBOR.encode(decoded as never)) });
    },
  ],
  [
    'an unknown attestation format',
    (r) => {
      const decoded = isoCBOR.decodeFirst<Map<string, unknown>>(
        Buffer.from(String(inner(r)['attestationObject']), 'base64url'),
      );
      decoded.set('fmt', 'made-up');
      return withInner(r, { attestationObject: b64(isoCBOR.encode(decoded as never)) });
    },
  ],
  ['transports that are not strings', (r) => withInner(r, { transports: [1, 2] })],
];

const assertionOnly: Mutation[] = [
  ['no signature', (r) => withInner(r, { signature: undefined })],
  ['a signature that is not base64url', (r) => withInner(r, { signature: '***' })],
  ['an authenticatorData shorter than 37 bytes', (r) => withInner(r, { authenticatorData: b64('short') })],
  ['an authenticatorData that is not base64url', (r) => withInner(r, { authenticatorData: '@@@@' })],
  ['a numeric userHandle', (r) => withInner(r, { userHandle: 7 })],
  ['an unknown credential id', (r) => ({ ...r, id: b64('nobody'), rawId: b64('nobody') })],
  ['a signature of random bytes', (r) => withInner(r, { signature: b64(new Uint8Array(70).fill(7)) })],
];

async function expect4xx(response: Response, title: string): Promise<void> {
  const text = await response.text();
  assert.ok(response.status >= 400 && response.status < 500, `${title}: answered ${response.status} ${text}`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/, title);
  const body = JSON.parse(text) as { code: string };
  assert.ok(
    ['invalid_request', 'invalid_credentials', 'payload_too_large'].includes(body.code),
    `${title}: ${body.code}`,
  );
}

describe('malformed passkey responses get a 4xx, never a 5xx', () => {
  let server: TestServer;
  let auth: SoftAuthenticator;
  let token: string;
  before(async () => {
    server = await startTestServer();
    auth = new SoftAuthenticator({ origin: server.url });
    await server.createConfirmedUser('ada@example.com', 'correct horse battery');
    token = (await server.signIn('ada@example.com', 'correct horse battery')).access_token;
    await json(await register(server, auth, token), 201);
  });
  after(() => server.close());

  it('register/verify', async () => {
    for (const [title, mutate] of [...common, ...registrationOnly]) {
      const flow = await registrationOptions(server, token);
      const response = mutate(auth.create(flow.options) as unknown as Json);
      const answer = await server.post(
        '/v1/passkeys/register/verify',
        { flow_id: flow.flow_id, response },
        bearer(token),
      );
      await expect4xx(answer, title);
    }
  });

  it('signup/verify', async () => {
    let n = 0;
    for (const [title, mutate] of [...common, ...registrationOnly]) {
      const flow = await signUpOptions(server, `malformed${n++}@example.com`);
      const response = mutate(auth.create(flow.options) as unknown as Json);
      await expect4xx(
        await server.post('/v1/passkeys/signup/verify', { flow_id: flow.flow_id, response }),
        title,
      );
    }
  });

  it('signin/verify', async () => {
    for (const [title, mutate] of [...common, ...assertionOnly]) {
      for (const email of ['ada@example.com', undefined]) {
        const flow = await signInOptions(server, email);
        const response = mutate(auth.get(flow.options) as unknown as Json);
        await expect4xx(
          await server.post('/v1/passkeys/signin/verify', { flow_id: flow.flow_id, response }),
          title,
        );
      }
    }
  });

  it('bodies that are not the documented shape', async () => {
    const cases: [string, string | Json][] = [
      ['/v1/passkeys/signin/verify', '{not json'],
      ['/v1/passkeys/signin/verify', '[]'],
      ['/v1/passkeys/signin/verify', { response: {} }],
      ['/v1/passkeys/signin/verify', { flow_id: 5, response: {} }],
      ['/v1/passkeys/signup/verify', { flow_id: 'x' }],
      ['/v1/passkeys/signup/options', { email: ['a@example.com'] }],
      ['/v1/passkeys/signin/options', 'null'],
    ];
    for (const [path, body] of cases)
      await expect4xx(await server.post(path, body), `${path} ${JSON.stringify(body)}`);
    const form = await fetch(`${server.url}/v1/passkeys/signin/options`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=a@example.com',
    });
    assert.equal(form.status, 415);
    const huge = await server.post('/v1/passkeys/signin/verify', {
      flow_id: 'x',
      response: { id: 'A'.repeat(70_000) },
    });
    assert.equal(huge.status, 413);
    const patch = await fetch(`${server.url}/v1/passkeys/x`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...bearer(token) },
      body: JSON.stringify({ name: 42 }),
    });
    await expect4xx(patch, 'PATCH with a numeric name');
  });

  it('a well-formed response still works after all that', async () => {
    await json(await register(server, auth, token), 201);
  });
});
