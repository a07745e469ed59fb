import { z } from 'zod';

/** The JSON config file (`GATEHOUSE_CONFIG`), contract §1. Field names are the contract's. */

const scopeToken = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'must be a scope token');
const url = z.url();

export const clientSchema = z
  .strictObject({
    client_id: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only')
      .refine((id) => !id.startsWith('usr_'), 'must not start with usr_ (reserved for user subjects)'),
    client_secret: z.string().min(32, 'must be at least 32 characters').optional(),
    token_endpoint_auth_method: z
      .enum(['client_secret_basic', 'client_secret_post', 'none'])
      .default('client_secret_basic'),
    redirect_uris: z.array(url).default([]),
    post_logout_redirect_uris: z.array(url).default([]),
    grant_types: z
      .array(z.enum(['authorization_code', 'refresh_token', 'client_credentials']))
      .default(['authorization_code', 'refresh_token']),
    scopes: z.array(scopeToken).default(['openid', 'profile', 'email', 'offline_access']),
    audience: z.string().min(1).optional(),
    first_party: z.boolean().default(false),
  })
  .superRefine((client, ctx) => {
    const isPublic = client.token_endpoint_auth_method === 'none';
    if (!isPublic && client.client_secret === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['client_secret'],
        message: 'required for a confidential client',
      });
    }
    if (isPublic && client.client_secret !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['client_secret'], message: 'a public client has no secret' });
    }
    if (isPublic && client.grant_types.includes('client_credentials')) {
      ctx.addIssue({
        code: 'custom',
        path: ['grant_types'],
        message: 'client_credentials needs a confidential client',
      });
    }
  });

/** Asymmetric JWS algorithms only: never `none`, never an HMAC keyed with a shared secret. */
export const UPSTREAM_ID_TOKEN_ALGS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

/**
 * An upstream identity provider (contract §1 `providers`, §7). The key names it: `google` and
 * `apple` are those; any other key needs `"type": "oidc"` and an `issuer`. Federation options
 * beyond the contract's fields are optional.
 */
const providerSchema = z.strictObject({
  type: z.enum(['google', 'apple', 'oidc']).optional(),
  client_id: z.string().min(1),
  client_secret: z.string().optional(),
  issuer: url.optional(),
  team_id: z.string().optional(),
  key_id: z.string().optional(),
  private_key: z.string().optional(),
  /** Button text ("Continue with …"); defaults to Google, Apple or the key. */
  label: z.string().min(1).max(64).optional(),
  /** Scopes asked upstream; default `openid email profile` (Apple: `openid email name`). */
  scopes: z.array(scopeToken).optional(),
  /** Google Workspace: only accounts of this domain (sent as `hd` and checked in the ID token). */
  hd: z.string().min(1).optional(),
  /** More audiences accepted by the native endpoint (iOS/Android client ids, an Apple bundle id). */
  client_ids: z.array(z.string().min(1)).default([]),
  /** The one algorithm the upstream's ID tokens must be signed with. */
  id_token_signed_response_alg: z.enum(UPSTREAM_ID_TOKEN_ALGS).default('RS256'),
});

const seconds = z.number().int().positive();

export const fileConfigSchema = z
  .strictObject({
    clients: z.array(clientSchema).default([]),
    default_client: z.string().optional(),
    roles: z.record(z.string().min(1), z.array(scopeToken)).default({}),
    default_roles: z.array(z.string()).default([]),
    providers: z.record(z.string().regex(/^[a-z0-9_-]+$/), providerSchema).default({}),
    signup: z
      .strictObject({
        enabled: z.boolean().default(true),
        allowed_email_domains: z.array(z.string().min(1)).default([]),
      })
      .prefault({}),
    tokens: z
      .strictObject({
        access_ttl: seconds.max(86_400).default(900),
        id_ttl: seconds.max(86_400).default(3600),
        refresh_ttl: seconds.default(2_592_000),
        refresh_idle_ttl: seconds.default(1_209_600),
      })
      .prefault({}),
    keys: z
      .strictObject({
        /** A new signing key takes over this often (0: only by `gatehouse keys rotate`). */
        rotation_days: z.number().int().min(0).default(30),
      })
      .prefault({}),
    brand: z
      .strictObject({
        name: z.string().min(1).default('Gatehouse'),
        logo_url: url.optional(),
        color: z
          .string()
          .regex(/^#[0-9a-fA-F]{6}$/)
          .default('#2f5bea'),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    const ids = new Set<string>();
    config.clients.forEach((client, i) => {
      if (ids.has(client.client_id)) {
        ctx.addIssue({ code: 'custom', path: ['clients', i, 'client_id'], message: 'duplicate client_id' });
      }
      ids.add(client.client_id);
    });
    config.default_roles.forEach((role, i) => {
      if (!Object.hasOwn(config.roles, role)) {
        ctx.addIssue({ code: 'custom', path: ['default_roles', i], message: `unknown role "${role}"` });
      }
    });
    if (config.default_client !== undefined && config.clients.length > 0 && !ids.has(config.default_client)) {
      ctx.addIssue({ code: 'custom', path: ['default_client'], message: 'names no configured client' });
    }
    for (const [key, provider] of Object.entries(config.providers)) {
      const required = (field: 'issuer' | 'client_secret' | 'team_id' | 'key_id' | 'private_key') => {
        if (provider[field] === undefined) {
          ctx.addIssue({ code: 'custom', path: ['providers', key, field], message: 'required' });
        }
      };
      const type = provider.type ?? (key === 'google' || key === 'apple' ? key : undefined);
      if (type === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['providers', key, 'type'],
          message: 'must be "oidc" (with an issuer) for a provider not named google or apple',
        });
      } else if (type === 'oidc') {
        required('issuer');
      } else if (type === 'google') {
        required('client_secret');
      } else {
        required('team_id');
        required('key_id');
        required('private_key');
      }
      if (provider.hd !== undefined && type !== 'google') {
        ctx.addIssue({ code: 'custom', path: ['providers', key, 'hd'], message: 'only for Google' });
      }
    }
  });

export type FileConfig = z.output<typeof fileConfigSchema>;
export type ClientConfig = z.output<typeof clientSchema>;
export type ProviderConfig = z.output<typeof providerSchema>;
