import { join } from 'node:path';
import type { GatehouseConfig } from '../config/config.ts';
import { silentLogger } from '../core/log.ts';
import { readLatestOutboxMail } from '../mail/outbox-mailer.ts';
import { createCore } from './bootstrap.ts';

export async function rotateKeysCommand(config: GatehouseConfig): Promise<number> {
  const core = await createCore(config, { logger: silentLogger });
  try {
    const result = await core.keys.rotate();
    console.log(
      JSON.stringify({ retired: result.retiredKid, current: result.currentKid, next: result.nextKid }),
    );
    return 0;
  } finally {
    await core.store.close();
  }
}

/** Dev convenience for the README walkthrough: shows the newest outbox mail. */
export async function latestOutboxCommand(config: GatehouseConfig, to: string | undefined): Promise<number> {
  const mail = await readLatestOutboxMail(join(config.dataDir, 'outbox'), to);
  if (mail === undefined) {
    console.error('gatehouse: no mail in the outbox');
    return 1;
  }
  console.log(`To: ${mail.to}\nSubject: ${mail.subject}\n\n${mail.text}`);
  return 0;
}
