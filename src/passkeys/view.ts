import type { PasskeyRecord } from '../storage/port.ts';

/** A passkey as `GET /v1/passkeys` lists it (§6); times are ISO 8601. */
export interface PasskeyView {
  id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  backed_up: boolean;
}

export function toPasskeyView(p: PasskeyRecord): PasskeyView {
  return {
    id: p.id,
    name: p.name,
    created_at: new Date(p.createdAt).toISOString(),
    last_used_at: p.lastUsedAt === null ? null : new Date(p.lastUsedAt).toISOString(),
    backed_up: p.backedUp,
  };
}
