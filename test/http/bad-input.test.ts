/**
 * Bad input at every /v1 POST endpoint (§2): whatever arrives, the answer is a 4xx
 * application/problem+json with the contract's fields, never a 5xx. Real server on loopback.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { base64url } from 'jose';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const PASSWORD = 'correct horse battery';

interface Endpoint {
  path: string;
  /** A well-formed body; every key in it is a field the endpoint reads. */
  body: Record<string, string>;
  required: string[];
  /** Needs a Bearer token to reach body parsing. */
  bearer?: boolean;
  /** Status a well-formed body (with unknown fields added) gets, proving the body was accepted. */
  accepted: { status: number; code?: string };
}

const ENDPOINTS: Endpoint[] = [
  {
    path: '/v1/signup',
    body: { email: 'bad-input-signup@example.com', password: PASSWORD, name: 'N', client_id: 'app' },
    required: ['email', 'password'],
    accepted: { status: 202 },
  },
  {
    path: '/v1/signup/confirm',
    body: { email: 'bad-input@example.com', code: '123456' },
    required: ['email', 'code'],
    accepted: { status: 400, code: 'invalid_code' },
  },
  {
    path: '/v1/signup/resend',
    body: { email: 'bad-input@example.com' },
    required: ['email'],
    accepted: { status: 202 },
  },
  {
    path: '/v1/signin',
    body: { email: 'nobody@example.com', password: PASSWORD, client_id: 'app', scope: 'openid' },
    required: ['email', 'password'],
    accepted: { status: 401, code: 'invalid_credentials' },
  },
  {
    path: '/v1/refresh',
    body: { refresh_token: 'ghr_unknown', client_id: 'app' },
    required: ['refresh_token'],
    accepted: { status: 400, code: 'invalid_grant' },
  },
  {
    path: '/v1/signout',
    body: { refresh_token: 'ghr_unknown' },
    required: ['refresh_token'],
    accepted: { status: 204 },
  },
  {
    path: '/v1/password/forgot',
    body: { email: 'bad-input@example.com' },
    required: ['email'],
    accepted: { status: 202 },
  },
  {
    path: '/v1/password/reset',
    body: { email: 'bad-input@example.com', code: '123456', password: 'a new passphrase here' },
    required: ['email', 'code', 'password'],
    accepted: { status: 400, code: 'invalid_code' },
  },
  {
    path: '/v1/password/change',
    body: { current_password: 'not the current one', password: 'a new passphrase here' },
    required: ['current_password', 'password'],
    bearer: true,
    accepted: { status: 401, code: 'invalid_credentials' },
  },
];

const WRONG_TYPES: [string, unknown][] = [
  ['number', 42],
  ['object', { nested: 'x' }],
  ['null', null],
  ['array', ['x']],
  ['boolean', true],
];

interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
}

/** A contract problem answer (§2) with this status and code; returns the body. */
async function expectProblem(
  response: Response,
  status: number,
  code: string,
  context: string,
): Promise<Problem> {
  const text = await response.text();
  assert.equal(
    response.status,
    status,
    `${context}: expected ${status} ${code}, got ${response.status} ${text}`,
  );
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/, context);
  const body = JSON.parse(text) as Problem;
  assert.deepEqual(Object.keys(body).sort(), ['code', 'detail', 'status', 'title', 'type'], context);
  assert.equal(body.status, status, context);
  assert.equal(body.code, code, context);
  assert.equal(typeof body.type, 'string', context);
  assert.ok(body.type.length > 0, context);
  assert.equal(typeof body.title, 'string', context);
  assert.equal(typeof body.detail, 'string', context);
  return body;
}

describe('bad input at every /v1 POST endpoint: 4xx problem+json, never 5xx', () => {
  let server: TestServer;
  let changeUser = 0;

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  /** A fresh user's access token: /v1/password/change needs one to reach its body. */
  async function freshToken(): Promise<string> {
    changeUser += 1;
    const email = `bearer-${changeUser}@example.com`;
    await server.createConfirmedUser(email, PASSWORD);
    return (await server.signIn(email, PASSWORD)).access_token;
  }

  let sharedToken: string | undefined;
  async function headersFor(endpoint: Endpoint): Promise<Record<string, string>> {
    if (endpoint.bearer !== true) return {};
    sharedToken ??= await freshToken();
    return { authorization: `Bearer ${sharedToken}` };
  }

  /** A raw POST: the body's bytes and the headers exactly as given (no content type unless set). */
  async function raw(
    endpoint: Endpoint,
    body: string | Uint8Array,
    contentType: string | null,
  ): Promise<Response> {
    const headers: Record<string, string> = await headersFor(endpoint);
    if (contentType !== null) headers['content-type'] = contentType;
    return fetch(`${server.url}${endpoint.path}`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
    });
  }

  for (const endpoint of ENDPOINTS) {
    describe(`POST ${endpoint.path}`, () => {
      it('refuses malformed JSON and an empty body with 400 invalid_request', async () => {
        for (const body of ['{"email":', '{', 'nul', "{'a': 1}", '{"a":1,}', '', '\uFEFF', '\xff\xfe']) {
          const response = await raw(endpoint, body, 'application/json');
          await expectProblem(response, 400, 'invalid_request', `body ${JSON.stringify(body)}`);
        }
        const invalidUtf8 = await raw(endpoint, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 'application/json');
        await expectProblem(invalidUtf8, 400, 'invalid_request', 'invalid UTF-8');
      });

      it('refuses a JSON array, string, number, boolean or null body with 400 invalid_request', async () => {
        for (const body of ['[]', `[${JSON.stringify(endpoint.body)}]`, '"x"', '42', 'true', 'null']) {
          const response = await raw(endpoint, body, 'application/json');
          await expectProblem(response, 400, 'invalid_request', `body ${body.slice(0, 40)}`);
        }
      });

      for (const field of endpoint.required) {
        it(`refuses a body without ${field} with 400 invalid_request naming it`, async () => {
          const body: Record<string, string> = { ...endpoint.body };
          delete body[field];
          const response = await raw(endpoint, JSON.stringify(body), 'application/json');
          const problem = await expectProblem(response, 400, 'invalid_request', `missing ${field}`);
          assert.match(problem.detail, new RegExp(`\\b${field}\\b`));
        });
      }

      it('refuses every field with a wrong type (number, object, null, array, boolean), naming the field', async () => {
        for (const field of Object.keys(endpoint.body)) {
          for (const [label, value] of WRONG_TYPES) {
            const response = await raw(
              endpoint,
              JSON.stringify({ ...endpoint.body, [field]: value }),
              'application/json',
            );
            const problem = await expectProblem(response, 400, 'invalid_request', `${field} as ${label}`);
            assert.match(problem.detail, new RegExp(`\\b${field}\\b`), `${field} as ${label}`);
          }
        }
      });

      it('refuses a 70 KB body with 413 payload_too_large, with or without Content-Length', async () => {
        const big = JSON.stringify({ ...endpoint.body, padding: 'x'.repeat(70 * 1024) });
        await expectProblem(await raw(endpoint, big, 'application/json'), 413, 'payload_too_large', 'sized');
        // Streamed (chunked): the limit holds while reading, not only from the header.
        const bytes = new TextEncoder().encode(big);
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.subarray(i, i + 8192));
            controller.close();
          },
        });
        const chunked = await fetch(`${server.url}${endpoint.path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(await headersFor(endpoint)) },
          body: stream,
          duplex: 'half',
        } as RequestInit);
        await expectProblem(chunked, 413, 'payload_too_large', 'chunked');
      });

      it('refuses text/plain, form and multipart bodies, and a body without Content-Type, with 415', async () => {
        const json = JSON.stringify(endpoint.body);
        const form = new URLSearchParams(endpoint.body).toString();
        const cases: [string | null, string][] = [
          ['text/plain', json],
          ['text/plain;charset=UTF-8', json],
          ['application/x-www-form-urlencoded', form],
          [
            'multipart/form-data; boundary=x',
            `--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--`,
          ],
          ['application/xml', '<a/>'],
          ['application/jsonp', json],
          ['json', json],
          [null, json],
        ];
        for (const [type, body] of cases) {
          const response = await raw(endpoint, body, type);
          await expectProblem(response, 415, 'unsupported_media_type', `content type ${type}`);
        }
      });

      it('accepts application/json with a charset, ignores unknown fields, and is not prototype-polluted', async () => {
        const body = `{${JSON.stringify(endpoint.body).slice(1, -1)},"unknown_field":1,"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}`;
        const response = await raw(endpoint, body, 'application/json; charset=utf-8');
        const text = await response.text();
        assert.equal(response.status, endpoint.accepted.status, text);
        if (endpoint.accepted.code !== undefined) assert.equal(JSON.parse(text).code, endpoint.accepted.code);
        assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'Object.prototype was polluted');
      });
    });
  }

  it('accepts a body of exactly 64 KiB (the limit is over 64 KiB)', async () => {
    const prefix = '{"email":"limit@example.com","pad":"';
    const suffix = '"}';
    const body = prefix + 'x'.repeat(64 * 1024 - prefix.length - suffix.length) + suffix;
    assert.equal(Buffer.byteLength(body), 64 * 1024);
    const response = await fetch(`${server.url}/v1/signup/resend`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    assert.equal(response.status, 202, await response.text());
    const over = await fetch(`${server.url}/v1/signup/resend`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `${body} `,
    });
    await expectProblem(over, 413, 'payload_too_large', '64 KiB + 1');
  });

  it('refuses an invalid email address at sign-up with 400 invalid_request naming email', async () => {
    for (const email of [
      'not-an-email',
      'a@',
      '@b.c',
      'a b@c.d',
      'a@b@c.d',
      `${'a'.repeat(250)}@example.com`,
    ]) {
      const response = await server.post('/v1/signup', { email, password: PASSWORD });
      const problem = await expectProblem(response, 400, 'invalid_request', `email ${email.slice(0, 20)}`);
      assert.match(problem.detail, /email/);
    }
  });

  it('survives deeply nested JSON without a 5xx', async () => {
    const depth = 20_000;
    const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    for (const body of [nested, `{"email":${nested}}`]) {
      const response = await fetch(`${server.url}/v1/signup/resend`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      await expectProblem(response, 400, 'invalid_request', 'nested');
    }
  });

  it('POST /v1/signout/all (no body) answers 413 to a huge body and 401 without a token, never 5xx', async () => {
    const big = await fetch(`${server.url}/v1/signout/all`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(70 * 1024),
    });
    await expectProblem(big, 413, 'payload_too_large', 'signout/all big');
    for (const [type, body] of [
      ['application/json', '{'],
      ['text/plain', 'hello'],
      [null, ''],
    ] as const) {
      const response = await fetch(`${server.url}/v1/signout/all`, {
        method: 'POST',
        headers: type === null ? {} : { 'content-type': type },
        body,
      });
      await expectProblem(response, 401, 'invalid_token', `signout/all ${type}`);
    }
    const token = await freshToken();
    const garbage = await fetch(`${server.url}/v1/signout/all`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    assert.ok(garbage.status < 500, `signout/all answered ${garbage.status}`);
  });
});

describe('unknown routes and garbage Authorization headers', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer();
    await server.createConfirmedUser('garbage@example.com', PASSWORD);
    token = (await server.signIn('garbage@example.com', PASSWORD)).access_token;
  });
  after(() => server.close());

  it('answers unknown routes with 404 not_found problem+json', async () => {
    for (const [method, path] of [
      ['GET', '/v1/nope'],
      ['POST', '/v1/nope'],
      ['GET', '/nope'],
      ['POST', '/v1'],
      ['GET', '/v1/signin/../../etc/passwd'],
      ['GET', '/v1/%00'],
    ] as const) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
      });
      await expectProblem(response, 404, 'not_found', `${method} ${path}`);
    }
  });

  it('answers a known path with the wrong method with a 4xx problem, not a 5xx', async () => {
    for (const [method, path] of [
      ['GET', '/v1/signup'],
      ['PUT', '/v1/signin'],
      ['DELETE', '/v1/me'],
      ['PATCH', '/v1/refresh'],
    ] as const) {
      const response = await fetch(`${server.url}${path}`, { method });
      assert.ok([404, 405].includes(response.status), `${method} ${path}: ${response.status}`);
      assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
    }
  });

  const b64 = (value: unknown) => base64url.encode(JSON.stringify(value));
  const GARBAGE = [
    '',
    'Bearer',
    'Bearer ',
    'bearer',
    'Basic dXNlcjpwYXNzd29yZA==',
    'Token abc',
    'Bearer not-a-jwt',
    'Bearer a.b.c',
    'Bearer ..',
    'Bearer ...',
    'Bearer =====',
    'Bearer x y',
    'Bearer a, Bearer b',
    'Bearer\tabc.def.ghi',
    'Bearer \xe9t\xe9',
    `Bearer ${'A'.repeat(8000)}`,
    `Bearer ${'a.'.repeat(2000)}a`,
    `Bearer ${b64({ alg: 'none' })}.${b64({})}.`,
    `Bearer ${b64({ alg: 'RS256', kid: { $ne: 1 } })}.${b64({ sub: 'usr_x' })}.AAAA`,
    `Bearer ${b64({ alg: 'RS256', typ: 'at+jwt', kid: 'x' })}.${b64([])}.AAAA`,
    `Bearer ${b64('header')}.${b64('payload')}.AAAA`,
    `Bearer ${base64url.encode('{not json')}.${b64({})}.AAAA`,
    `Bearer ${b64({ alg: 'RS256', crit: ['exp'], kid: 'x' })}.${b64({})}.AAAA`,
  ];

  for (const [method, path] of [
    ['GET', '/v1/me'],
    ['POST', '/v1/signout/all'],
    ['POST', '/v1/password/change'],
  ] as const) {
    it(`${method} ${path}: garbage Authorization headers get 401 invalid_token`, async () => {
      const send = (authorization: string) =>
        fetch(`${server.url}${path}`, {
          method,
          headers: { authorization, 'content-type': 'application/json' },
          ...(method === 'POST'
            ? { body: JSON.stringify({ current_password: PASSWORD, password: 'another passphrase x' }) }
            : {}),
        });
      for (const authorization of GARBAGE) {
        const response = await send(authorization);
        await expectProblem(response, 401, 'invalid_token', `Authorization: ${authorization.slice(0, 40)}`);
        assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
      }
      // The real token, with junk appended or a character changed, is garbage too.
      await expectProblem(await send(`Bearer ${token}x`), 401, 'invalid_token', 'token + x');
      await expectProblem(await send(`Bearer ${token.slice(0, -2)}`), 401, 'invalid_token', 'truncated');
    });
  }

  it('controls: the same requests with the real token are accepted', async () => {
    assert.equal((await server.get('/v1/me', { authorization: `Bearer ${token}` })).status, 200);
    assert.equal((await server.get('/v1/me', { authorization: `bearer ${token}` })).status, 200);
  });
});
