import type { GatehouseConfig } from '../config/config.ts';
import { ERROR_CODES } from '../core/errors.ts';
import { federationPaths, passkeyPaths } from './openapi-paths.ts';
import { json, obj, op, str, tokens } from './openapi-schema.ts';

/** `/openapi.json`: the `/v1` API and its stable error codes. */
export function openApiDocument(config: GatehouseConfig): object {
  return {
    openapi: '3.1.0',
    info: { title: 'Gatehouse', version: '0.1.0' },
    servers: [{ url: config.issuer }],
    paths: {
      '/v1/signup': {
        post: op(
          'Sign up',
          obj(['email', 'password'], { email: str, password: str, name: str, client_id: str }),
          { 202: { description: 'Verification sent' } },
        ),
      },
      '/v1/signup/confirm': {
        post: op('Confirm email', obj(['email', 'code'], { email: str, code: str }), {
          200: { description: 'Confirmed' },
        }),
      },
      '/v1/signup/resend': {
        post: op('Resend code', obj(['email'], { email: str }), {
          202: { description: 'Sent if applicable' },
        }),
      },
      '/v1/signin': {
        post: op(
          'Sign in',
          obj(['email', 'password'], { email: str, password: str, client_id: str, scope: str }),
          { 200: tokens },
        ),
      },
      '/v1/refresh': {
        post: op('Rotate refresh token', obj(['refresh_token'], { refresh_token: str, client_id: str }), {
          200: tokens,
        }),
      },
      '/v1/signout': {
        post: op('Sign out a session', obj(['refresh_token'], { refresh_token: str }), {
          204: { description: 'Signed out' },
        }),
      },
      '/v1/signout/all': {
        post: op('Sign out everywhere', null, { 204: { description: 'Signed out' } }, true),
      },
      '/v1/password/forgot': {
        post: op('Request reset code', obj(['email'], { email: str }), {
          202: { description: 'Sent if applicable' },
        }),
      },
      '/v1/password/reset': {
        post: op(
          'Reset password',
          obj(['email', 'code', 'password'], { email: str, code: str, password: str }),
          { 200: { description: 'Reset' } },
        ),
      },
      '/v1/password/change': {
        post: op(
          'Change password',
          obj(['current_password', 'password'], { current_password: str, password: str }),
          { 200: { description: 'Changed' } },
          true,
        ),
      },
      ...passkeyPaths,
      ...federationPaths,
      '/v1/me': {
        get: op(
          'Current user',
          null,
          { 200: { description: 'Profile', ...json({ $ref: '#/components/schemas/Profile' }) } },
          true,
        ),
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Problem: obj(['type', 'title', 'status', 'code', 'detail'], {
          type: str,
          title: str,
          status: { type: 'integer' },
          code: { type: 'string', enum: [...ERROR_CODES] },
          detail: str,
        }),
        TokenResponse: obj(['access_token', 'token_type', 'expires_in', 'scope'], {
          access_token: str,
          token_type: { const: 'Bearer' },
          expires_in: { type: 'integer' },
          refresh_token: str,
          id_token: str,
          scope: str,
        }),
        Profile: obj(['sub', 'email', 'email_verified', 'name', 'roles', 'created_at'], {
          sub: str,
          email: str,
          email_verified: { type: 'boolean' },
          name: { type: ['string', 'null'] },
          roles: { type: 'array', items: str },
          created_at: { type: 'string', format: 'date-time' },
        }),
      },
    },
  };
}
