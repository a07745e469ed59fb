import type { ClientConfig } from '../../config/file-schema.ts';
import type { SessionRecord, UserRecord } from '../../storage/port.ts';
import type { Core } from '../context.ts';
import { issueUserTokens } from './issue-tokens.ts';
import type { TokenResponse } from './token-response.ts';

export interface StartSessionInput {
  user: UserRecord;
  client: ClientConfig;
  scope: string[];
  /** RFC 8176 methods, e.g. ['pwd']. */
  amr: string[];
  nonce?: string;
  /** Pre-chosen id, when the caller must record it before the session exists (code redemption). */
  sessionId?: string;
  /** Epoch ms of the authentication, when it happened before this call (hosted sign-in). */
  authTime?: number;
  /** Defaults to whether the client may use the refresh_token grant. */
  withRefreshToken?: boolean;
}

export function newSessionId(core: Core): string {
  return Buffer.from(core.random.bytes(18)).toString('base64url');
}

/** A new session family (its id is the tokens' `sid`) and its first tokens. */
export async function startSession(core: Core, input: StartSessionInput): Promise<TokenResponse> {
  const now = core.clock.now();
  const session: SessionRecord = {
    id: input.sessionId ?? newSessionId(core),
    userId: input.user.id,
    clientId: input.client.client_id,
    scope: input.scope.join(' '),
    authTime: input.authTime ?? now,
    amr: input.amr,
    createdAt: now,
    expiresAt: now + core.config.tokens.refresh_ttl * 1000,
    revokedAt: null,
  };
  await core.store.createSession(session);
  return issueUserTokens(core, {
    user: input.user,
    client: input.client,
    session,
    scope: input.scope,
    withRefreshToken: input.withRefreshToken ?? input.client.grant_types.includes('refresh_token'),
    ...(input.nonce !== undefined ? { nonce: input.nonce } : {}),
  });
}

export function isSessionLive(session: SessionRecord | null, now: number): session is SessionRecord {
  return session !== null && session.revokedAt === null && session.expiresAt > now;
}
