import { join } from 'node:path';
import type { GatehouseConfig } from '../config/config.ts';
import { createBackgroundTasks } from '../core/background-tasks.ts';
import { type Clock, cryptoRandom, type RandomSource, systemClock } from '../core/clock.ts';
import type { Core } from '../core/context.ts';
import { SigningKeyRing } from '../core/keys/key-ring.ts';
import { deriveKey } from '../core/keys/seal.ts';
import { createJsonLogger, type Logger } from '../core/log.ts';
import type { Mailer } from '../core/mail/mailer.ts';
import { createArgon2Hasher, type PasswordHasher } from '../core/passwords/hasher.ts';
import { createOutboxMailer } from '../mail/outbox-mailer.ts';
import { createSmtpMailer } from '../mail/smtp-mailer.ts';
import { openStore } from '../storage/open-store.ts';
import type { Store } from '../storage/port.ts';
import { resolveMasterKey } from './master-key.ts';

export interface BootstrapOverrides {
  clock?: Clock;
  random?: RandomSource;
  logger?: Logger;
  mailer?: Mailer;
  store?: Store;
  passwords?: PasswordHasher;
}

/** Builds the core from configuration: store, master key, key ring, mailer. Runtime-neutral. */
export async function createCore(config: GatehouseConfig, overrides: BootstrapOverrides = {}): Promise<Core> {
  const clock = overrides.clock ?? systemClock;
  const random = overrides.random ?? cryptoRandom;
  const logger = overrides.logger ?? createJsonLogger();
  const masterKey = resolveMasterKey(config);
  const store = overrides.store ?? (await openStore(config.database));
  const keys = new SigningKeyRing({
    store,
    masterKey,
    alg: config.signingAlg,
    clock,
    random,
    rotationDays: config.keys.rotation_days,
    maxTokenTtlSeconds: Math.max(config.tokens.access_ttl, config.tokens.id_ttl),
  });
  await keys.ensureReady();
  const mailer =
    overrides.mailer ??
    (config.smtpUrl !== null
      ? createSmtpMailer({ url: config.smtpUrl, from: config.emailFrom, logger })
      : createOutboxMailer({ dir: join(config.dataDir, 'outbox'), from: config.emailFrom, logger }));
  return {
    config,
    store,
    clock,
    random,
    mailer,
    keys,
    passwords: overrides.passwords ?? createArgon2Hasher(),
    logger,
    tasks: createBackgroundTasks(logger),
    codeKey: deriveKey(masterKey, 'gatehouse/one-time-code'),
  };
}
