import type {
  APIGatewayAuthorizerWithContextResult,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerResult,
  APIGatewaySimpleAuthorizerWithContextResult,
  APIGatewayTokenAuthorizerEvent,
  PolicyDocument,
} from 'aws-lambda';
import { type Decision, decide, type Requirements } from '../guard/authorize.ts';
import { bearerToken } from '../guard/bearer.ts';
import type { AccessTokenClaims } from '../guard/claims.ts';
import { createVerifier, type SignatureAlgorithm, type Verifier } from '../guard/verifier.ts';

/**
 * What downstream integrations see as `$context.authorizer.*` (REST) or
 * `$context.authorizer.lambda.*` (HTTP API). API Gateway only carries string/number/boolean, so
 * `roles` is space-separated like `scope`, and a missing `email` is `''`.
 */
export interface GatehouseAuthorizerContext {
  [key: string]: string;
  sub: string;
  client_id: string;
  email: string;
  scope: string;
  roles: string;
}

export type AuthorizerOptions = Requirements & {
  /**
   * What an Allow/Deny policy covers. `'stage'` (default): every method of the API stage. API
   * Gateway caches one policy per token and reuses it for all methods behind the same authorizer;
   * a policy naming only the first method would 403 the rest. Because an authorizer's
   * scopes/roles are the same for every method it guards, the stage-wide policy grants exactly
   * what was decided. Use `'method'` when caching is off and you want the narrowest policy.
   */
  policyResource?: 'stage' | 'method';
} & (
    | { verifier: Verifier }
    | {
        issuer: string;
        audience: string | readonly string[];
        algorithms?: readonly SignatureAlgorithm[];
        verifier?: undefined;
      }
  );

export type PolicyResult = APIGatewayAuthorizerWithContextResult<GatehouseAuthorizerContext>;
export type SimpleResult =
  | APIGatewaySimpleAuthorizerResult
  | APIGatewaySimpleAuthorizerWithContextResult<GatehouseAuthorizerContext>;

/**
 * REST API TOKEN authorizer. Missing/invalid token: throws `Unauthorized` (API Gateway: 401).
 * Valid token lacking a required scope/role: explicit Deny policy (403). Keys unavailable:
 * rethrows the GuardError (API Gateway: 500) — failing closed without blaming the token.
 */
export function createTokenAuthorizer(
  options: AuthorizerOptions,
): (event: APIGatewayTokenAuthorizerEvent) => Promise<PolicyResult> {
  const verify = deciderFor(options);
  return async (event) =>
    policyFor(await verify(bearerToken(event.authorizationToken)), event.methodArn, options);
}

/** REST API REQUEST authorizer: the same, reading the `Authorization` header (any case). */
export function createRequestAuthorizer(
  options: AuthorizerOptions,
): (event: APIGatewayRequestAuthorizerEvent) => Promise<PolicyResult> {
  const verify = deciderFor(options);
  return async (event) => {
    const token = bearerToken(authorizationHeader(event.headers, event.multiValueHeaders));
    return policyFor(await verify(token), event.methodArn, options);
  };
}

/**
 * HTTP API Lambda authorizer, payload format 2.0 with simple responses. Any refusal is
 * `isAuthorized: false` (HTTP API answers 403; a missing identity source is already a 401 there).
 */
export function createHttpApiAuthorizer(
  options: AuthorizerOptions,
): (event: APIGatewayRequestAuthorizerEventV2) => Promise<SimpleResult> {
  const verify = deciderFor(options);
  return async (event) => {
    let authorization: string | undefined;
    try {
      authorization = authorizationHeader(event.headers);
    } catch {
      return { isAuthorized: false };
    }
    const decision = await verify(bearerToken(authorization));
    if (decision.outcome === 'unavailable') throw decision.error;
    if (decision.outcome !== 'allow') return { isAuthorized: false };
    return { isAuthorized: true, context: contextOf(decision.claims) };
  };
}

/** Built once per authorizer so a warm Lambda reuses the cached JWKS across invocations. */
function deciderFor(options: AuthorizerOptions): (token: string | undefined) => Promise<Decision> {
  const verifier =
    options.verifier ??
    createVerifier({ issuer: options.issuer, audience: options.audience, algorithms: options.algorithms });
  const requirements: Requirements = { scopes: options.scopes, roles: options.roles };
  return (token) => decide(verifier, token, requirements);
}

function policyFor(decision: Decision, methodArn: string, options: AuthorizerOptions): PolicyResult {
  switch (decision.outcome) {
    case 'no_token':
    case 'invalid_token':
      throw unauthorized();
    case 'unavailable':
      throw decision.error;
    case 'insufficient':
    case 'allow': {
      const effect = decision.outcome === 'allow' ? 'Allow' : 'Deny';
      const resource = options.policyResource === 'method' ? methodArn : stageWildcard(methodArn);
      return {
        principalId: decision.claims.sub,
        policyDocument: policy(effect, resource),
        context: contextOf(decision.claims),
      };
    }
  }
}

function policy(effect: 'Allow' | 'Deny', resource: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
  };
}

/**
 * `arn:aws:execute-api:region:account:apiId/stage/VERB/path` → `…:apiId/stage/*`. An ARN not in
 * that shape is used as is (narrower, never wider).
 */
export function stageWildcard(methodArn: string): string {
  const parts = methodArn.split('/');
  if (parts.length < 3 || !parts[0]?.startsWith('arn:') || !parts[1]) return methodArn;
  return `${parts[0]}/${parts[1]}/*`;
}

function contextOf(claims: AccessTokenClaims): GatehouseAuthorizerContext {
  return {
    sub: claims.sub,
    client_id: claims.client_id,
    email: claims.email ?? '',
    scope: claims.scope,
    roles: claims.roles.join(' '),
  };
}

/** The exact error message API Gateway maps to 401; anything else becomes a 500. */
function unauthorized(): Error {
  return new Error('Unauthorized');
}

/**
 * The one `Authorization` value, matched in any case. Two of them (repeated, or differing only in
 * case) are ambiguous — which one would the backend read? — so the request is refused.
 */
function authorizationHeader(
  headers: Record<string, string | undefined> | null | undefined,
  multiValueHeaders?: Record<string, string[] | undefined> | null,
): string | undefined {
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === 'authorization' && value !== undefined) values.push(value);
  }
  let multiCount = 0;
  for (const [key, list] of Object.entries(multiValueHeaders ?? {})) {
    if (key.toLowerCase() === 'authorization') multiCount += list?.length ?? 0;
  }
  if (values.length > 1 || multiCount > 1) throw unauthorized();
  return values[0];
}
