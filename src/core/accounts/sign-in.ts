import type { UserRecord } from '../../storage/port.ts';
import { resolveJsonApiClient } from '../clients.ts';
import type { Core } from '../context.ts';
import { fail, ok, type Result } from '../errors.ts';
import { isPlausiblePassword, normalisePassword } from '../passwords/policy.ts';
import { grantScopes } from '../roles.ts';
import { startSession } from '../sessions/start-session.ts';
import type { TokenResponse } from '../sessions/token-response.ts';
import { maskEmail, normaliseEmail } from './email.ts';
import { clearThrottle, recordThrottleFailure, signInThrottleKeys, startAttempt } from './throttle.ts';

export interface SignInInput {
  email: string;
  password: string;
  clientId?: string | undefined;
  scope?: string[] | undefined;
  ip: string | null;
}

type SignInError =
  | 'invalid_request'
  | 'invalid_credentials'
  | 'email_not_verified'
  | 'account_disabled'
  | 'too_many_attempts';

const INVALID = 'email or password is incorrect';

/**
 * Verifies the password and starts a session. Unknown email and wrong password give the same
 * failure after the same argon2 work (a dummy hash for unknown users), so neither body nor timing
 * tells which emails have accounts. Account-state errors come only after the right password.
 */
export async function signIn(core: Core, input: SignInInput): Promise<Result<TokenResponse, SignInError>> {
  const client = resolveJsonApiClient(core.config, input.clientId);
  if (!client.ok) return client;
  const user = await authenticatePassword(core, input);
  if (!user.ok) return user;
  const scope = grantScopes(core.config, client.value, user.value.roles, input.scope);
  const tokens = await startSession(core, { user: user.value, client: client.value, scope, amr: ['pwd'] });
  core.logger.log('info', 'signin', {
    audit: true,
    sub: user.value.id,
    client_id: client.value.client_id,
    ip: input.ip,
  });
  return ok(tokens);
}

/**
 * Checks email and password with throttling, for the JSON API and the hosted sign-in page alike.
 * Account-state failures come only after the right password.
 */
export async function authenticatePassword(
  core: Core,
  input: { email: string; password: string; ip: string | null },
): Promise<Result<UserRecord, Exclude<SignInError, 'invalid_request'>>> {
  const email = normaliseEmail(input.email);
  if (!email.ok) return fail('invalid_credentials', INVALID);
  const keys = signInThrottleKeys(email.value, input.ip);
  const throttled = await startAttempt(core, keys);
  if (throttled !== null) return throttled;

  const user = await verifyPassword(core, email.value, input.password);
  if (user === null) {
    await recordThrottleFailure(core, keys);
    core.logger.log('info', 'signin_failed', { audit: true, email: maskEmail(email.value), ip: input.ip });
    return fail('invalid_credentials', INVALID);
  }
  const [emailKey] = keys;
  if (emailKey !== undefined) await clearThrottle(core, emailKey);
  if (user.disabled) return fail('account_disabled', 'this account is disabled');
  if (!user.emailVerified)
    return fail('email_not_verified', 'confirm your email with the code we sent first');
  return ok(user);
}

async function verifyPassword(core: Core, email: string, password: string): Promise<UserRecord | null> {
  const user = await core.store.getUserByEmail(email);
  const plausible = isPlausiblePassword(password);
  if (user === null || user.passwordHash === null || !plausible) {
    await core.passwords.verifyDummy(plausible ? normalisePassword(password) : 'x');
    return null;
  }
  return (await core.passwords.verify(user.passwordHash, normalisePassword(password))) ? user : null;
}
