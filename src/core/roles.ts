import type { GatehouseConfig } from '../config/config.ts';
import type { ClientConfig } from '../config/file-schema.ts';

/** Scopes that appear in any role: a user holds them only through a role. */
export function roleBoundScopes(roles: GatehouseConfig['roles']): Set<string> {
  return new Set(Object.values(roles).flat());
}

export function scopesOfRoles(roles: GatehouseConfig['roles'], userRoles: readonly string[]): Set<string> {
  return new Set(userRoles.flatMap((role) => (Object.hasOwn(roles, role) ? (roles[role] ?? []) : [])));
}

export function parseScope(scope: string | undefined): string[] | undefined {
  if (scope === undefined) return undefined;
  return [...new Set(scope.split(' ').filter((token) => token !== ''))];
}

/**
 * §1: the scopes a token carries are those requested (all the client's when none are named),
 * limited to what the client may ask for and, for role-bound scopes, to what the roles grant.
 * Unknown scopes are dropped rather than refused; the response's `scope` says what was granted.
 */
export function grantScopes(
  config: GatehouseConfig,
  client: ClientConfig,
  userRoles: readonly string[] | null,
  requested: readonly string[] | undefined,
): string[] {
  const bound = roleBoundScopes(config.roles);
  const held = userRoles === null ? null : scopesOfRoles(config.roles, userRoles);
  return (requested ?? client.scopes).filter((scope) => {
    if (!client.scopes.includes(scope)) return false;
    if (!bound.has(scope)) return true;
    // client_credentials tokens (no user) carry the role-bound scopes the client is allowed
    return held === null || held.has(scope);
  });
}
