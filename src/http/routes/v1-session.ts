import { Hono } from 'hono';
import { z } from 'zod';
import { signIn } from '../../core/accounts/sign-in.ts';
import type { Core } from '../../core/context.ts';
import { parseScope } from '../../core/roles.ts';
import { rotateRefreshToken } from '../../core/sessions/rotate-refresh-token.ts';
import { signOut, signOutEverywhere } from '../../core/sessions/sign-out.ts';
import { requireUser } from '../bearer.ts';
import type { AppEnv, ClientIpResolver } from '../env.ts';
import { readJson } from '../json-body.ts';
import { problemFromFailure } from '../problem.ts';

const signInBody = z.object({
  email: z.string().max(320),
  password: z.string().max(4096),
  client_id: z.string().max(128).optional(),
  scope: z.string().max(2048).optional(),
});
const refreshBody = z.object({
  refresh_token: z.string().max(512),
  client_id: z.string().max(128).optional(),
});
const signOutBody = z.object({ refresh_token: z.string().max(512) });

export function sessionRoutes(core: Core, clientIp: ClientIpResolver): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .post('/signin', async (c) => {
      const body = await readJson(c, signInBody);
      if (!body.ok) return body.response;
      const { email, password, client_id, scope } = body.value;
      const result = await signIn(core, {
        email,
        password,
        clientId: client_id,
        scope: parseScope(scope),
        ip: clientIp(c),
      });
      if (!result.ok) return problemFromFailure(c, result);
      return c.json(result.value, 200, { 'Cache-Control': 'no-store' });
    })
    .post('/refresh', async (c) => {
      const body = await readJson(c, refreshBody);
      if (!body.ok) return body.response;
      const { refresh_token, client_id } = body.value;
      const result = await rotateRefreshToken(core, {
        refreshToken: refresh_token,
        firstPartyOnly: true,
        ...(client_id !== undefined ? { clientId: client_id } : {}),
      });
      if (!result.ok) return problemFromFailure(c, result);
      return c.json(result.value, 200, { 'Cache-Control': 'no-store' });
    })
    .post('/signout', async (c) => {
      const body = await readJson(c, signOutBody);
      if (!body.ok) return body.response;
      await signOut(core, body.value.refresh_token);
      return c.body(null, 204);
    })
    .post('/signout/all', requireUser(core), async (c) => {
      await signOutEverywhere(core, c.get('user').user.id);
      return c.body(null, 204);
    });
}
