import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ERROR_CODES } from '../../src/core/errors.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

interface OpenApi {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: { Problem: { properties: { code: { enum: string[] } } } } };
}

describe('/openapi.json describes the JSON API that is actually served', () => {
  let server: TestServer;
  let doc: OpenApi;
  before(async () => {
    server = await startTestServer({
      config: { providers: { google: { client_id: 'g', client_secret: 's' } } },
    });
    doc = (await (await server.get('/openapi.json')).json()) as OpenApi;
  });
  after(() => server.close());

  it('lists every stable error code', () => {
    assert.deepEqual(doc.components.schemas.Problem.properties.code.enum, [...ERROR_CODES]);
  });

  it('routes every documented path and method (no route-level 404)', async () => {
    assert.ok(Object.keys(doc.paths).length >= 20);
    for (const [path, methods] of Object.entries(doc.paths)) {
      const concrete = path.replace('{id}', 'missing-id').replace('{provider}', 'google');
      for (const method of Object.keys(methods)) {
        const response = await fetch(`${server.url}${concrete}`, {
          method: method.toUpperCase(),
          headers: { 'content-type': 'application/json' },
          ...(method === 'get' || method === 'delete' ? {} : { body: '{}' }),
        });
        const body = await response.text();
        const routeMissing = response.status === 404 && body.includes('no route for');
        assert.ok(!routeMissing, `${method.toUpperCase()} ${path} is documented but not routed`);
        assert.ok(response.status < 500, `${method.toUpperCase()} ${path} answered ${response.status}`);
      }
    }
  });
});
