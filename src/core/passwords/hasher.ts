import { hash, verify } from '@node-rs/argon2';

/** OWASP's argon2id floor (m=19 MiB, t=2, p=1); the contract allows "or stronger". */
export const ARGON2_PARAMS = {
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  algorithm: 2 /* Argon2id */,
} as const;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(phc: string, password: string): Promise<boolean>;
  /** Same cost as a real verify, for unknown accounts, so timing doesn't reveal which emails exist. */
  verifyDummy(password: string): Promise<void>;
}

/** argon2id on libuv's thread pool (@node-rs/argon2 is async), so hashing never blocks the event loop. */
export function createArgon2Hasher(params: typeof ARGON2_PARAMS = ARGON2_PARAMS): PasswordHasher {
  let dummy: Promise<string> | undefined;
  return {
    hash: (password) => hash(password, params),
    async verify(phc, password) {
      try {
        return await verify(phc, password);
      } catch {
        return false; // a malformed stored hash never authenticates
      }
    },
    async verifyDummy(password) {
      dummy ??= hash('gatehouse-dummy-password', params);
      await verify(await dummy, password).catch(() => false);
    },
  };
}
