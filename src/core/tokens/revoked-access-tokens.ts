import type { Core } from '../context.ts';

const KIND = 'revoked_jti';

/**
 * JWT access tokens are stateless; a revoked one is remembered by `jti` until it would have
 * expired anyway, so Gatehouse's own endpoints (introspection, userinfo, /v1) refuse it.
 */
export async function revokeAccessTokenId(core: Core, jti: string, expSeconds: number): Promise<void> {
  await core.store.putOneTime({
    kind: KIND,
    id: jti,
    payload: '{}',
    expiresAt: expSeconds * 1000,
    usedAt: null,
    note: null,
  });
}

export async function isAccessTokenRevoked(core: Core, jti: string): Promise<boolean> {
  return (await core.store.getOneTime(KIND, jti, core.clock.now())) !== null;
}
