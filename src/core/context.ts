import type { GatehouseConfig } from '../config/config.ts';
import type { Store } from '../storage/port.ts';
import type { BackgroundTasks } from './background-tasks.ts';
import type { Clock, RandomSource } from './clock.ts';
import type { SigningKeyRing } from './keys/key-ring.ts';
import type { Logger } from './log.ts';
import type { Mailer } from './mail/mailer.ts';
import type { PasswordHasher } from './passwords/hasher.ts';

/** Everything a core operation may use, passed in so tests choose real or controlled parts. */
export interface Core {
  readonly config: GatehouseConfig;
  readonly store: Store;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly mailer: Mailer;
  readonly keys: SigningKeyRing;
  readonly passwords: PasswordHasher;
  readonly logger: Logger;
  /** Mail and other work that runs after the answer (see background-tasks.ts). */
  readonly tasks: BackgroundTasks;
  /** HKDF subkey of the master key for hashing one-time codes (a plain hash of 6 digits is brute-forced offline). */
  readonly codeKey: Uint8Array;
}
