import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createHttpApiAuthorizer,
  createRequestAuthorizer,
  createTokenAuthorizer,
  stageWildcard,
} from '../../src/aws/authorizers.ts';
import { createVerifier, GuardError } from '../../src/guard/index.ts';
import { httpApiEvent, METHOD_ARN, requestEvent, STAGE_ARN, tokenEvent } from './aws-events.ts';
import { TestIssuer } from './test-issuer.ts';

const AUDIENCE = 'https://api.example.test';

const expectedContext = {
  sub: 'user-123',
  client_id: 'client-abc',
  email: 'ada@example.test',
  scope: 'openid email orders:read',
  roles: 'admin billing',
};

async function rejectsUnauthorized(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(
    promise,
    (error: unknown) => error instanceof Error && error.message === 'Unauthorized',
  );
}

describe('gatehouse/aws authorizers', () => {
  let issuer: TestIssuer;
  let valid: string;
  let expired: string;

  before(async () => {
    issuer = await TestIssuer.start(['RS256']);
    valid = await issuer.sign(issuer.key('RS256'));
    expired = await issuer.sign(issuer.key('RS256'), { nowMs: Date.now() - 3_600_000 });
  });
  after(() => issuer.close());

  describe('createTokenAuthorizer (REST, TOKEN)', () => {
    it('allows a valid token: principalId, stage-wide Allow, string context', async () => {
      const authorize = createTokenAuthorizer({ issuer: issuer.issuer, audience: AUDIENCE });
      const result = await authorize(tokenEvent(`Bearer ${valid}`));
      assert.deepEqual(result, {
        principalId: 'user-123',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: STAGE_ARN }],
        },
        context: expectedContext,
      });
      for (const value of Object.values(result.context)) assert.equal(typeof value, 'string');
    });

    it("policyResource 'method' scopes the policy to the method ARN", async () => {
      const authorize = createTokenAuthorizer({
        issuer: issuer.issuer,
        audience: AUDIENCE,
        policyResource: 'method',
      });
      const result = await authorize(tokenEvent(`Bearer ${valid}`));
      assert.deepEqual(result.policyDocument.Statement, [
        { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: METHOD_ARN },
      ]);
    });

    it('throws Unauthorized for missing, non-Bearer, invalid and expired tokens', async () => {
      const authorize = createTokenAuthorizer({ issuer: issuer.issuer, audience: AUDIENCE });
      for (const header of ['', 'Basic dXNlcjpwYXNz', 'Bearer garbage', `Bearer ${expired}`, valid]) {
        await rejectsUnauthorized(authorize(tokenEvent(header)));
      }
    });

    it('explicit Deny for a valid token lacking a required scope or role', async () => {
      for (const requirement of [{ scopes: ['orders:write'] }, { roles: ['root'] }]) {
        const authorize = createTokenAuthorizer({
          issuer: issuer.issuer,
          audience: AUDIENCE,
          ...requirement,
        });
        const result = await authorize(tokenEvent(`Bearer ${valid}`));
        assert.equal(result.principalId, 'user-123');
        assert.deepEqual(result.policyDocument.Statement, [
          { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: STAGE_ARN },
        ]);
      }
    });

    it('allows when every required scope and role is held', async () => {
      const authorize = createTokenAuthorizer({
        issuer: issuer.issuer,
        audience: AUDIENCE,
        scopes: ['orders:read', 'email'],
        roles: ['billing'],
      });
      const result = await authorize(tokenEvent(`Bearer ${valid}`));
      assert.equal(result.policyDocument.Statement[0]?.Effect, 'Allow');
    });

    it('accepts an injected verifier', async () => {
      const verifier = createVerifier({ issuer: issuer.issuer, audience: AUDIENCE });
      const result = await createTokenAuthorizer({ verifier })(tokenEvent(`Bearer ${valid}`));
      assert.equal(result.principalId, 'user-123');
    });

    it('fails closed with a non-Unauthorized error (API Gateway 500) when keys are unavailable', async () => {
      const down = await TestIssuer.start(['RS256']);
      try {
        down.jwksMode = 'error';
        const authorize = createTokenAuthorizer({ issuer: down.issuer, audience: AUDIENCE });
        const token = await down.sign(down.key('RS256'));
        await assert.rejects(
          authorize(tokenEvent(`Bearer ${token}`)),
          (e: unknown) => e instanceof GuardError && e.code === 'jwks_unavailable',
        );
      } finally {
        await down.close();
      }
    });
  });

  describe('createRequestAuthorizer (REST, REQUEST)', () => {
    it('reads the Authorization header in any case', async () => {
      const authorize = createRequestAuthorizer({ issuer: issuer.issuer, audience: AUDIENCE });
      for (const name of ['Authorization', 'authorization', 'AUTHORIZATION']) {
        const result = await authorize(requestEvent({ [name]: `Bearer ${valid}` }));
        assert.equal(result.principalId, 'user-123');
        assert.equal(result.policyDocument.Statement[0]?.Effect, 'Allow');
        assert.deepEqual(result.context, expectedContext);
      }
    });

    it('throws Unauthorized without a header, with a bad token, or with two Authorization headers', async () => {
      const authorize = createRequestAuthorizer({ issuer: issuer.issuer, audience: AUDIENCE });
      await rejectsUnauthorized(authorize(requestEvent({})));
      await rejectsUnauthorized(authorize({ ...requestEvent({}), headers: null, multiValueHeaders: null }));
      await rejectsUnauthorized(authorize(requestEvent({ Authorization: `Bearer ${expired}` })));
      const twice = requestEvent({ Authorization: `Bearer ${valid}` });
      twice.multiValueHeaders = {
        ...twice.multiValueHeaders,
        Authorization: [`Bearer ${valid}`, 'Bearer x'],
      };
      await rejectsUnauthorized(authorize(twice));
      await rejectsUnauthorized(
        authorize(requestEvent({ Authorization: `Bearer ${valid}`, authorization: 'x' })),
      );
    });

    it('explicit Deny on a missing role', async () => {
      const authorize = createRequestAuthorizer({
        issuer: issuer.issuer,
        audience: AUDIENCE,
        roles: ['root'],
      });
      const result = await authorize(requestEvent({ Authorization: `Bearer ${valid}` }));
      assert.equal(result.policyDocument.Statement[0]?.Effect, 'Deny');
    });
  });

  describe('createHttpApiAuthorizer (HTTP API, payload 2.0, simple responses)', () => {
    it('isAuthorized true with string context for a valid token', async () => {
      const authorize = createHttpApiAuthorizer({
        issuer: issuer.issuer,
        audience: AUDIENCE,
        scopes: ['openid'],
      });
      const result = await authorize(httpApiEvent({ authorization: `Bearer ${valid}` }));
      assert.deepEqual(result, { isAuthorized: true, context: expectedContext });
    });

    it('isAuthorized false for missing, invalid, and insufficient tokens', async () => {
      const authorize = createHttpApiAuthorizer({
        issuer: issuer.issuer,
        audience: AUDIENCE,
        scopes: ['orders:write'],
      });
      const cases: Record<string, string>[] = [
        {},
        { authorization: 'Bearer nope' },
        { authorization: `Bearer ${valid}` },
      ];
      for (const headers of cases) {
        assert.deepEqual(await authorize(httpApiEvent(headers)), { isAuthorized: false });
      }
    });
  });

  it('stageWildcard keeps malformed ARNs as they are (never widens)', () => {
    assert.equal(stageWildcard(METHOD_ARN), STAGE_ARN);
    assert.equal(stageWildcard('not-an-arn'), 'not-an-arn');
    assert.equal(stageWildcard('arn:aws:execute-api:eu-west-1:1:api'), 'arn:aws:execute-api:eu-west-1:1:api');
  });
});
