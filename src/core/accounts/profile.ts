import type { UserRecord } from '../../storage/port.ts';

/** `GET /v1/me` (§2). `created_at` is ISO 8601. */
export interface Profile {
  sub: string;
  email: string;
  email_verified: boolean;
  name: string | null;
  roles: string[];
  created_at: string;
}

export function toProfile(user: UserRecord): Profile {
  return {
    sub: user.id,
    email: user.email,
    email_verified: user.emailVerified,
    name: user.name,
    roles: user.roles,
    created_at: new Date(user.createdAt).toISOString(),
  };
}
