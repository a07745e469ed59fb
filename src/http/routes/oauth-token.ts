import { Hono } from 'hono';
import type { Core } from '../../core/context.ts';
import type { ClientCredentials } from '../../oauth/client-auth.ts';
import { authenticateClient } from '../../oauth/client-auth.ts';
import { oauthFail } from '../../oauth/errors.ts';
import { introspectToken } from '../../oauth/introspection.ts';
import { revokeToken } from '../../oauth/revocation.ts';
import { handleTokenRequest } from '../../oauth/token-endpoint.ts';
import type { AppEnv } from '../env.ts';
import { type FormParams, readForm } from '../form-body.ts';
import { NO_STORE, oauthError } from '../oauth-response.ts';

function credentialsOf(authorizationHeader: string | undefined, params: FormParams): ClientCredentials {
  return { authorizationHeader, clientId: params['client_id'], clientSecret: params['client_secret'] };
}

/** Token, revocation (RFC 7009) and introspection (RFC 7662): client-authenticated form posts. */
export function oauthTokenRoutes(core: Core): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .post('/token', async (c) => {
      const form = await readForm(c);
      if (!form.ok) return oauthError(c, form);
      const result = await handleTokenRequest(
        core,
        form.value,
        credentialsOf(c.req.header('authorization'), form.value),
      );
      if (!result.ok) return oauthError(c, result);
      return c.json(result.value, 200, NO_STORE);
    })
    .post('/revoke', async (c) => {
      const form = await readForm(c);
      if (!form.ok) return oauthError(c, form);
      const client = authenticateClient(
        core.config,
        credentialsOf(c.req.header('authorization'), form.value),
      );
      if (!client.ok) return oauthError(c, client);
      const token = form.value['token'];
      if (token === undefined) return oauthError(c, oauthFail('invalid_request', 'token is required'));
      await revokeToken(core, client.value, token);
      return c.body(null, 200, NO_STORE);
    })
    .post('/introspect', async (c) => {
      const form = await readForm(c);
      if (!form.ok) return oauthError(c, form);
      const client = authenticateClient(
        core.config,
        credentialsOf(c.req.header('authorization'), form.value),
      );
      if (!client.ok) return oauthError(c, oauthFail('invalid_client', client.description));
      // A public client's client_id is no credential: letting it introspect would let anyone scan
      // tokens for their claims (RFC 7662 §2.1, §4). Only confidential clients may ask.
      if (client.value.token_endpoint_auth_method === 'none') {
        return oauthError(c, oauthFail('invalid_client', 'introspection requires a confidential client'));
      }
      const token = form.value['token'];
      if (token === undefined) return oauthError(c, oauthFail('invalid_request', 'token is required'));
      return c.json(await introspectToken(core, client.value, token), 200, NO_STORE);
    });
}
