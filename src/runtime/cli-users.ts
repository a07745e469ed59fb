import type { GatehouseConfig } from '../config/config.ts';
import { ConfigError } from '../config/config.ts';
import { normaliseEmail } from '../core/accounts/email.ts';
import { newUserId } from '../core/accounts/user-id.ts';
import { silentLogger } from '../core/log.ts';
import { checkNewPassword } from '../core/passwords/policy.ts';
import { createCore } from './bootstrap.ts';

interface CreateUserArgs {
  email?: string | undefined;
  role?: string[] | undefined;
  password?: string | undefined;
  name?: string | undefined;
  unverified?: boolean | undefined;
}

/** `gatehouse users create`: an operator-made account, email verified unless --unverified. */
export async function createUserCommand(config: GatehouseConfig, args: CreateUserArgs): Promise<number> {
  if (args.email === undefined) throw new ConfigError('users create: --email is required');
  const email = normaliseEmail(args.email);
  if (!email.ok) throw new ConfigError('users create: --email is not a valid address');
  const roles = args.role ?? config.defaultRoles;
  const unknown = roles.find((role) => !Object.hasOwn(config.roles, role));
  if (unknown !== undefined)
    throw new ConfigError(`users create: --role "${unknown}" is not in the config's roles`);
  let password: string | null = null;
  if (args.password !== undefined) {
    const checked = checkNewPassword(args.password, email.value);
    if (!checked.ok) throw new ConfigError(`users create: --password ${checked.detail ?? 'is too weak'}`);
    password = checked.value;
  }
  const core = await createCore(config, { logger: silentLogger });
  try {
    const now = core.clock.now();
    const id = newUserId(core.random);
    const created = await core.store.createUser({
      id,
      email: email.value,
      emailVerified: args.unverified !== true,
      name: args.name ?? null,
      passwordHash: password === null ? null : await core.passwords.hash(password),
      roles,
      disabled: false,
      createdAt: now,
      updatedAt: now,
    });
    if (created === 'email_taken') {
      console.error(`gatehouse: a user with that email already exists`);
      return 1;
    }
    console.log(JSON.stringify({ sub: id, email: email.value, roles }));
    return 0;
  } finally {
    await core.store.close();
  }
}
