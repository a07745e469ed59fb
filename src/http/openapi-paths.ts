import { json, obj, op, str, tokens } from './openapi-schema.ts';

const flow = {
  description: 'Ceremony options',
  ...json(obj(['flow_id', 'options'], { flow_id: str, options: { type: 'object' } })),
};
const verify = (extra: Record<string, object> = {}) =>
  obj(['flow_id', 'response'], { flow_id: str, response: { type: 'object' }, ...extra });
const passkey = obj(['id', 'name', 'created_at', 'last_used_at', 'backed_up'], {
  id: str,
  name: str,
  created_at: { type: 'string', format: 'date-time' },
  last_used_at: { type: ['string', 'null'], format: 'date-time' },
  backed_up: { type: 'boolean' },
});

/** Contract §6. */
export const passkeyPaths = {
  '/v1/passkeys/register/options': { post: op('Passkey registration options', null, { 200: flow }, true) },
  '/v1/passkeys/register/verify': {
    post: op(
      'Register a passkey',
      verify({ name: str }),
      { 201: { description: 'Registered', ...json(passkey) } },
      true,
    ),
  },
  '/v1/passkeys/signup/options': {
    post: op('Passkey-only sign-up options', obj(['email'], { email: str, name: str }), { 200: flow }),
  },
  '/v1/passkeys/signup/verify': {
    post: op('Create an account from a passkey', verify({ client_id: str, scope: str }), {
      201: tokens,
      202: { description: 'The email already has an account; its owner was told' },
    }),
  },
  '/v1/passkeys/signin/options': {
    post: op('Passkey sign-in options', obj([], { email: str }), { 200: flow }),
  },
  '/v1/passkeys/signin/verify': {
    post: op('Sign in with a passkey', verify({ client_id: str, scope: str }), { 200: tokens }),
  },
  '/v1/passkeys': {
    get: op(
      'List passkeys',
      null,
      { 200: { description: 'Passkeys', ...json({ type: 'array', items: passkey }) } },
      true,
    ),
  },
  '/v1/passkeys/{id}': {
    patch: op(
      'Rename a passkey',
      obj(['name'], { name: str }),
      { 200: { description: 'Renamed', ...json(passkey) } },
      true,
    ),
    delete: op('Delete a passkey', null, { 204: { description: 'Deleted' } }, true),
  },
};

/** Native apps exchange a platform ID token (Google, Apple) for Gatehouse tokens. */
export const federationPaths = {
  '/v1/federation/{provider}/token': {
    post: op(
      'Exchange a provider ID token',
      obj(['id_token'], { id_token: str, nonce: str, client_id: str, scope: str, name: str }),
      { 200: tokens },
    ),
  },
};
