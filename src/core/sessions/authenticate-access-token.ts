import type { UserRecord } from '../../storage/port.ts';
import type { Core } from '../context.ts';
import { fail, ok, type Result } from '../errors.ts';
import { verifyAccessToken } from '../tokens/access-token.ts';
import { isAccessTokenRevoked } from '../tokens/revoked-access-tokens.ts';
import { isSessionLive } from './start-session.ts';

export interface AuthenticatedUser {
  user: UserRecord;
  sessionId: string | null;
  scope: string[];
  /** The client the token was issued to (`client_id`). */
  clientId: string;
}

/**
 * Gatehouse's own Bearer endpoints check more than a resource server can: besides the JWT, the
 * session must still be live, so sign-out everywhere takes effect here at once.
 */
export async function authenticateAccessToken(
  core: Core,
  token: string,
): Promise<Result<AuthenticatedUser, 'invalid_token'>> {
  const now = core.clock.now();
  const verified = await verifyAccessToken(core.keys, token, { issuer: core.config.issuer, now });
  if (!verified.ok) return fail('invalid_token', 'the access token is invalid or expired');
  const { sub, sid, scope, jti } = verified.claims;
  if (typeof jti !== 'string' || (await isAccessTokenRevoked(core, jti))) {
    return fail('invalid_token', 'the access token is invalid or expired');
  }
  if (typeof sub !== 'string' || !sub.startsWith('usr_')) return fail('invalid_token', 'not a user token');
  const [user, session] = await Promise.all([
    core.store.getUserById(sub),
    typeof sid === 'string' ? core.store.getSession(sid) : Promise.resolve(null),
  ]);
  if (user === null || user.disabled) return fail('invalid_token', 'the access token is invalid or expired');
  if (typeof sid === 'string' && (!isSessionLive(session, now) || session.userId !== user.id)) {
    return fail('invalid_token', 'the session has ended');
  }
  return ok({
    user,
    sessionId: typeof sid === 'string' ? sid : null,
    scope: typeof scope === 'string' ? scope.split(' ').filter((s) => s !== '') : [],
    clientId: verified.claims.client_id,
  });
}
