import { Hono } from 'hono';
import type { Core } from '../../core/context.ts';
import { userInfo } from '../../oauth/userinfo.ts';
import { bearerToken } from '../bearer.ts';
import type { AppContext, AppEnv } from '../env.ts';
import { readForm } from '../form-body.ts';
import { NO_STORE } from '../oauth-response.ts';

/** OIDC userinfo, GET and POST; the token comes in the header or (POST only) the form (RFC 6750 §2.2). */
export function oauthUserinfoRoutes(core: Core): Hono<AppEnv> {
  const answer = async (c: AppContext, token: string | null) => {
    if (token === null) {
      return c.json({ error: 'invalid_token' }, 401, { ...NO_STORE, 'WWW-Authenticate': 'Bearer' });
    }
    const result = await userInfo(core, token);
    if (result.ok) return c.json(result.value, 200, NO_STORE);
    if (result.code === 'insufficient_scope') {
      return c.json({ error: 'insufficient_scope' }, 403, {
        ...NO_STORE,
        'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="openid"',
      });
    }
    return c.json({ error: 'invalid_token' }, 401, {
      ...NO_STORE,
      'WWW-Authenticate': 'Bearer error="invalid_token"',
    });
  };
  return new Hono<AppEnv>()
    .get('/userinfo', (c) => answer(c, bearerToken(c.req.header('authorization'))))
    .post('/userinfo', async (c) => {
      const header = bearerToken(c.req.header('authorization'));
      if (header !== null || c.req.header('content-type') === undefined) return answer(c, header);
      const form = await readForm(c);
      return answer(c, form.ok ? (form.value['access_token'] ?? null) : null);
    });
}
