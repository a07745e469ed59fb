import type { Core } from '../core/context.ts';
import { fail, ok, type Result } from '../core/errors.ts';
import { authenticateAccessToken } from '../core/sessions/authenticate-access-token.ts';

/** OIDC Core §5.3: claims by granted scope; the token must carry `openid`. */
export async function userInfo(
  core: Core,
  accessToken: string,
): Promise<Result<Record<string, unknown>, 'invalid_token' | 'insufficient_scope'>> {
  const auth = await authenticateAccessToken(core, accessToken);
  if (!auth.ok) return auth;
  const { user, scope } = auth.value;
  if (!scope.includes('openid')) return fail('insufficient_scope', 'the token lacks the openid scope');
  const claims: Record<string, unknown> = { sub: user.id };
  if (scope.includes('email')) {
    claims['email'] = user.email;
    claims['email_verified'] = user.emailVerified;
  }
  if (scope.includes('profile')) claims['name'] = user.name;
  return ok(claims);
}
