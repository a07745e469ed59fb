import { Hono } from 'hono';
import { z } from 'zod';
import { changePassword } from '../../core/accounts/password-change.ts';
import { forgotPassword, resetPassword } from '../../core/accounts/password-reset.ts';
import { toProfile } from '../../core/accounts/profile.ts';
import type { Core } from '../../core/context.ts';
import { requireUser } from '../bearer.ts';
import type { AppEnv } from '../env.ts';
import { readJson } from '../json-body.ts';
import { problemFromFailure } from '../problem.ts';

const forgotBody = z.object({ email: z.string().max(320) });
const resetBody = z.object({
  email: z.string().max(320),
  code: z.string().max(32),
  password: z.string().max(4096),
});
const changeBody = z.object({ current_password: z.string().max(4096), password: z.string().max(4096) });

export function accountRoutes(core: Core): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .post('/password/forgot', async (c) => {
      const body = await readJson(c, forgotBody);
      if (!body.ok) return body.response;
      await forgotPassword(core, body.value);
      return c.json({ status: 'reset_code_sent' }, 202);
    })
    .post('/password/reset', async (c) => {
      const body = await readJson(c, resetBody);
      if (!body.ok) return body.response;
      const result = await resetPassword(core, body.value);
      if (!result.ok) return problemFromFailure(c, result);
      return c.json({ status: 'password_reset' }, 200);
    })
    .post('/password/change', requireUser(core), async (c) => {
      const body = await readJson(c, changeBody);
      if (!body.ok) return body.response;
      const { user, sessionId } = c.get('user');
      const result = await changePassword(core, {
        userId: user.id,
        sessionId,
        currentPassword: body.value.current_password,
        password: body.value.password,
      });
      if (!result.ok) return problemFromFailure(c, result);
      return c.json({ status: 'password_changed' }, 200);
    })
    .get('/me', requireUser(core), (c) => c.json(toProfile(c.get('user').user), 200));
}
