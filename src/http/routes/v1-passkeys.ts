import { Hono } from 'hono';
import { z } from 'zod';
import type { Core } from '../../core/context.ts';
import { parseScope } from '../../core/roles.ts';
import { isRecentSignIn } from '../../core/sessions/recent-sign-in.ts';
import { deletePasskey, listPasskeys, renamePasskey } from '../../passkeys/manage.ts';
import { finishPasskeyRegistration, startPasskeyRegistration } from '../../passkeys/registration.ts';
import { authenticationResponseJson, registrationResponseJson } from '../../passkeys/response-json.ts';
import { finishPasskeySignIn, startPasskeySignIn } from '../../passkeys/sign-in.ts';
import { finishPasskeySignUp, startPasskeySignUp } from '../../passkeys/sign-up.ts';
import { toPasskeyView } from '../../passkeys/view.ts';
import { requireUser } from '../bearer.ts';
import type { AppEnv } from '../env.ts';
import { readJson } from '../json-body.ts';
import { problem, problemFromFailure } from '../problem.ts';

const flowId = z.string().max(128);
const clientId = z.string().max(128).optional();
const scope = z.string().max(2048).optional();

const registerVerifyBody = z.object({
  flow_id: flowId,
  response: registrationResponseJson,
  name: z.string().max(256).optional(),
});
const signUpOptionsBody = z.object({ email: z.string().max(320), name: z.string().max(256).optional() });
const signUpVerifyBody = z.object({
  flow_id: flowId,
  response: registrationResponseJson,
  client_id: clientId,
  scope,
});
const signInOptionsBody = z.object({ email: z.string().max(320).optional() });
const signInVerifyBody = z.object({
  flow_id: flowId,
  response: authenticationResponseJson,
  client_id: clientId,
  scope,
});
const renameBody = z.object({ name: z.string().max(256) });

const NO_STORE = { 'Cache-Control': 'no-store' };

/** §6: WebAuthn ceremonies and passkey management; src/passkeys does the work. */
export function passkeyRoutes(core: Core): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .post('/passkeys/register/options', requireUser(core), async (c) => {
      const { sessionId } = c.get('user');
      const session = sessionId === null ? null : await core.store.getSession(sessionId);
      if (session === null || !isRecentSignIn(session.authTime, core.clock.now())) {
        return problem(c, 'reauthentication_required', 'sign in again (within 10 minutes) to add a passkey');
      }
      const flow = await startPasskeyRegistration(core, c.get('user').user);
      return c.json({ flow_id: flow.flowId, options: flow.options }, 200, NO_STORE);
    })
    .post('/passkeys/register/verify', requireUser(core), async (c) => {
      const body = await readJson(c, registerVerifyBody);
      if (!body.ok) return body.response;
      const result = await finishPasskeyRegistration(core, {
        user: c.get('user').user,
        flowId: body.value.flow_id,
        response: body.value.response,
        name: body.value.name,
      });
      if (!result.ok) return problemFromFailure(c, result);
      const { id, name, created_at } = toPasskeyView(result.value);
      return c.json({ id, name, created_at }, 201, NO_STORE);
    })
    .post('/passkeys/signup/options', async (c) => {
      const body = await readJson(c, signUpOptionsBody);
      if (!body.ok) return body.response;
      const result = await startPasskeySignUp(core, body.value);
      if (!result.ok) return problemFromFailure(c, result);
      return c.json({ flow_id: result.value.flowId, options: result.value.options }, 200, NO_STORE);
    })
    .post('/passkeys/signup/verify', async (c) => {
      const body = await readJson(c, signUpVerifyBody);
      if (!body.ok) return body.response;
      const result = await finishPasskeySignUp(core, {
        flowId: body.value.flow_id,
        response: body.value.response,
        clientId: body.value.client_id,
        scope: parseScope(body.value.scope),
      });
      if (!result.ok) return problemFromFailure(c, result);
      if (result.value.status === 'verification_sent') {
        return c.json({ status: 'verification_sent' }, 202, NO_STORE);
      }
      return c.json(result.value.tokens, 201, NO_STORE);
    })
    .post('/passkeys/signin/options', async (c) => {
      const body = await readJson(c, signInOptionsBody);
      if (!body.ok) return body.response;
      const result = await startPasskeySignIn(core, body.value);
      if (!result.ok) return problemFromFailure(c, result);
      return c.json({ flow_id: result.value.flowId, options: result.value.options }, 200, NO_STORE);
    })
    .post('/passkeys/signin/verify', async (c) => {
      const body = await readJson(c, signInVerifyBody);
      if (!body.ok) return body.response;
      const result = await finishPasskeySignIn(core, {
        flowId: body.value.flow_id,
        response: body.value.response,
        clientId: body.value.client_id,
        scope: parseScope(body.value.scope),
      });
      if (!result.ok) return problemFromFailure(c, result);
      return c.json(result.value, 200, NO_STORE);
    })
    .get('/passkeys', requireUser(core), async (c) => {
      const passkeys = await listPasskeys(core, c.get('user').user.id);
      return c.json(passkeys.map(toPasskeyView), 200, NO_STORE);
    })
    .patch('/passkeys/:id', requireUser(core), async (c) => {
      const body = await readJson(c, renameBody);
      if (!body.ok) return body.response;
      const result = await renamePasskey(core, {
        userId: c.get('user').user.id,
        id: c.req.param('id'),
        name: body.value.name,
      });
      if (!result.ok) return problemFromFailure(c, result);
      return c.json(toPasskeyView(result.value), 200, NO_STORE);
    })
    .delete('/passkeys/:id', requireUser(core), async (c) => {
      const result = await deletePasskey(core, { user: c.get('user').user, id: c.req.param('id') });
      if (!result.ok) return problemFromFailure(c, result);
      return c.body(null, 204);
    });
}
