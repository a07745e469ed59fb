/**
 * The client side of the §6 ceremonies over real HTTP, driving a SoftAuthenticator: what a web
 * app does with @simplewebauthn/browser, minus the browser.
 */
import assert from 'node:assert/strict';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { decodeJwt } from 'jose';
import type { LogFields, Logger, LogLevel } from '../../src/core/log.ts';
import type { TestServer, TokenResponseJson } from '../helpers/server.ts';
import { extractCode } from '../helpers/smtp-capture.ts';
import type { AssertionOverrides, CreationOverrides, SoftAuthenticator } from './soft-authenticator.ts';

export interface Flow<O> {
  flow_id: string;
  options: O;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function json<T>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  assert.equal(response.status, status, `expected ${status}, got ${response.status}: ${text}`);
  return (text === '' ? null : JSON.parse(text)) as T;
}

/** Asserts a problem+json answer with this status and code. */
export async function problem(response: Response, status: number, code: string): Promise<{ detail: string }> {
  const body = await json<{ code: string; status: number; detail: string }>(response, status);
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(body.code, code);
  assert.equal(body.status, status);
  return body;
}

export async function registrationOptions(server: TestServer, accessToken: string) {
  const response = await server.post('/v1/passkeys/register/options', {}, bearer(accessToken));
  return json<Flow<PublicKeyCredentialCreationOptionsJSON>>(response, 200);
}

/** Options, the authenticator, verify: returns the verify Response. */
export async function register(
  server: TestServer,
  auth: SoftAuthenticator,
  accessToken: string,
  extra: { name?: string; overrides?: CreationOverrides } = {},
): Promise<Response> {
  const flow = await registrationOptions(server, accessToken);
  const response = auth.create(flow.options, extra.overrides);
  return server.post(
    '/v1/passkeys/register/verify',
    { flow_id: flow.flow_id, response, ...(extra.name !== undefined ? { name: extra.name } : {}) },
    bearer(accessToken),
  );
}

export async function signInOptions(server: TestServer, email?: string) {
  const response = await server.post('/v1/passkeys/signin/options', email === undefined ? {} : { email });
  return json<Flow<PublicKeyCredentialRequestOptionsJSON>>(response, 200);
}

/** A whole sign-in; `email` undefined for the discoverable flow. Returns the verify Response. */
export async function signIn(
  server: TestServer,
  auth: SoftAuthenticator,
  email: string | undefined,
  overrides: AssertionOverrides = {},
): Promise<Response> {
  const flow = await signInOptions(server, email);
  return server.post('/v1/passkeys/signin/verify', {
    flow_id: flow.flow_id,
    response: auth.get(flow.options, overrides),
  });
}

export async function signUpOptions(server: TestServer, email: string, name?: string) {
  const response = await server.post('/v1/passkeys/signup/options', { email, ...(name ? { name } : {}) });
  return json<Flow<PublicKeyCredentialCreationOptionsJSON>>(response, 200);
}

export async function signUp(server: TestServer, auth: SoftAuthenticator, email: string): Promise<Response> {
  const flow = await signUpOptions(server, email);
  return server.post('/v1/passkeys/signup/verify', {
    flow_id: flow.flow_id,
    response: auth.create(flow.options),
  });
}

/** A passkey-only account, created and confirmed; returns its tokens from sign-up. */
export async function passkeyOnlyUser(
  server: TestServer,
  auth: SoftAuthenticator,
  email: string,
): Promise<TokenResponseJson> {
  const tokens = await json<TokenResponseJson>(await signUp(server, auth, email), 201);
  const mail = await server.smtp.waitFor({ to: email, kind: 'signup_code' });
  await json(await server.post('/v1/signup/confirm', { email, code: extractCode(mail.text) }), 200);
  return tokens;
}

/** The `amr` of the session behind an access token, read from the store. */
export async function sessionAmr(server: TestServer, accessToken: string): Promise<string[] | undefined> {
  const sid = decodeJwt(accessToken)['sid'];
  if (typeof sid !== 'string') return undefined;
  return (await server.core.store.getSession(sid))?.amr;
}

export interface LogEntry {
  level: LogLevel;
  event: string;
  fields: LogFields;
}

/** A Logger that keeps every entry, for asserting audit events. */
export function recordingLogger(entries: LogEntry[] = []): Logger & { entries: LogEntry[] } {
  const logger = {
    entries,
    log(level: LogLevel, event: string, fields: LogFields = {}) {
      entries.push({ level, event, fields });
    },
    child() {
      return logger;
    },
  };
  return logger;
}
