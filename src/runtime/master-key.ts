import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GatehouseConfig } from '../config/config.ts';
import { ConfigError } from '../config/config.ts';

/**
 * The configured master key, or in development one generated into the data dir on first start
 * (mode 0600). Production never reaches here without a key (config refuses to load).
 */
export function resolveMasterKey(config: GatehouseConfig): Uint8Array {
  if (config.masterKey !== null) return config.masterKey;
  if (config.production) throw new ConfigError('GATEHOUSE_MASTER_KEY: required when NODE_ENV=production');
  const file = join(config.dataDir, 'master.key');
  try {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new ConfigError(`GATEHOUSE_DATA_DIR: ${file} does not hold a 32-byte key`);
    return new Uint8Array(key);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  // 'wx' fails if another process created it meanwhile; then use theirs.
  try {
    writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return resolveMasterKey(config);
    throw error;
  }
  return new Uint8Array(key);
}
