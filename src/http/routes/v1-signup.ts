import { Hono } from 'hono';
import { z } from 'zod';
import { confirmSignUp, resendSignUpCode } from '../../core/accounts/confirm-email.ts';
import { signUp } from '../../core/accounts/sign-up.ts';
import type { Core } from '../../core/context.ts';
import type { AppEnv } from '../env.ts';
import { readJson } from '../json-body.ts';
import { problemFromFailure } from '../problem.ts';

const signUpBody = z.object({
  email: z.string().max(320),
  password: z.string().max(4096),
  name: z.string().max(200).optional(),
  client_id: z.string().max(128).optional(),
});
const confirmBody = z.object({ email: z.string().max(320), code: z.string().max(32) });
const emailBody = z.object({ email: z.string().max(320) });

export function signUpRoutes(core: Core): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .post('/signup', async (c) => {
      const body = await readJson(c, signUpBody);
      if (!body.ok) return body.response;
      const result = await signUp(core, body.value);
      if (!result.ok) return problemFromFailure(c, result);
      return c.json({ status: 'verification_sent' }, 202);
    })
    .post('/signup/confirm', async (c) => {
      const body = await readJson(c, confirmBody);
      if (!body.ok) return body.response;
      const result = await confirmSignUp(core, body.value);
      if (!result.ok) return problemFromFailure(c, result);
      return c.json({ status: 'confirmed' }, 200);
    })
    .post('/signup/resend', async (c) => {
      const body = await readJson(c, emailBody);
      if (!body.ok) return body.response;
      await resendSignUpCode(core, body.value);
      return c.json({ status: 'verification_sent' }, 202);
    });
}
