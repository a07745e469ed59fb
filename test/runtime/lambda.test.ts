import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
  Context,
} from 'aws-lambda';

// The handler reads its configuration from the environment on the first event, as on Lambda.
const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-lambda-'));
process.env['GATEHOUSE_DATA_DIR'] = dataDir;
process.env['GATEHOUSE_ISSUER'] = 'https://auth.example.com';

const context = { awsRequestId: 'req-1', functionName: 'gatehouse' } as Context;

function restEvent(method: string, path: string, body?: unknown): APIGatewayProxyEvent {
  return {
    httpMethod: method,
    path,
    resource: '/{proxy+}',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: body === undefined ? null : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      identity: { sourceIp: '203.0.113.9' },
      path,
      httpMethod: method,
    } as APIGatewayProxyEvent['requestContext'],
  };
}

function httpEvent(method: string, path: string, body?: unknown): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.10', userAgent: 'test' },
    } as APIGatewayProxyEventV2['requestContext'],
  };
}

describe('Lambda handler (gatehouse/aws handler) serving API Gateway events', () => {
  let handler: (event: unknown, context: Context) => Promise<unknown>;
  before(async () => {
    ({ handler } = (await import('../../src/aws/index.ts')) as unknown as { handler: typeof handler });
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('answers /health for a REST API (v1) event', async () => {
    const result = (await handler(restEvent('GET', '/health'), context)) as APIGatewayProxyResult;
    assert.equal(result.statusCode, 200);
    assert.deepEqual(JSON.parse(result.body), { status: 'ok' });
  });

  it('serves discovery with the configured issuer for an HTTP API (v2) event', async () => {
    const result = (await handler(
      httpEvent('GET', '/.well-known/openid-configuration'),
      context,
    )) as APIGatewayProxyResult;
    assert.equal(result.statusCode, 200);
    assert.equal(JSON.parse(result.body).issuer, 'https://auth.example.com');
  });

  it('runs a JSON API call and answers problem+json for bad input, never 5xx', async () => {
    const signup = (await handler(
      httpEvent('POST', '/v1/signup', { email: 'lambda@example.com', password: 'correct horse battery' }),
      context,
    )) as APIGatewayProxyResult;
    assert.equal(signup.statusCode, 202);
    const bad = (await handler(
      restEvent('POST', '/v1/signin', { email: 42 }),
      context,
    )) as APIGatewayProxyResult;
    assert.equal(bad.statusCode, 400);
    assert.equal(JSON.parse(bad.body).code, 'invalid_request');
  });
});
