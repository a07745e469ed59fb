import type { DatabaseConfig } from '../config/config.ts';
import { ConfigError } from '../config/config.ts';
import type { Store } from './port.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';

/** Picks the adapter named by `GATEHOUSE_DATABASE`; drivers load only when used. */
export async function openStore(database: DatabaseConfig): Promise<Store> {
  switch (database.kind) {
    case 'sqlite':
      return openSqliteStore(database.path);
    case 'postgres':
    case 'dynamodb':
      throw new ConfigError(
        `GATEHOUSE_DATABASE: the ${database.kind} adapter is not available in this version`,
      );
  }
}
