import type { DatabaseSync } from 'node:sqlite';

/**
 * Schema migrations, in code so the package ships no SQL files. Append new versions; never edit
 * an applied one. Times are epoch ms (INTEGER), booleans 0/1, string arrays JSON text.
 */
export interface Migration {
  version: number;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        email_verified INTEGER NOT NULL,
        name TEXT,
        password_hash TEXT,
        roles TEXT NOT NULL,
        disabled INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE codes (
        key TEXT PRIMARY KEY,
        hash TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX codes_expires_at ON codes (expires_at);

      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        client_id TEXT NOT NULL,
        scope TEXT NOT NULL,
        auth_time INTEGER NOT NULL,
        amr TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER
      ) STRICT;
      CREATE INDEX sessions_user_id ON sessions (user_id);
      CREATE INDEX sessions_expires_at ON sessions (expires_at);

      -- Spent tokens stay (used_at set) until they expire, so a replay is told apart from garbage.
      CREATE TABLE refresh_tokens (
        hash TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        scope TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      ) STRICT;
      CREATE INDEX refresh_tokens_session_id ON refresh_tokens (session_id);
      CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at);

      CREATE TABLE signing_keys (
        kid TEXT PRIMARY KEY,
        alg TEXT NOT NULL,
        public_jwk TEXT NOT NULL,
        sealed_private_jwk TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        activates_at INTEGER NOT NULL,
        retired_at INTEGER,
        expires_at INTEGER
      ) STRICT;

      CREATE TABLE throttles (
        key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        last_failure_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX throttles_last_failure_at ON throttles (last_failure_at);
    `,
  },
  {
    version: 2,
    sql: `
      -- Consumed rows stay (used_at, note set) until they expire, so a replay is told apart.
      CREATE TABLE one_time (
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        payload TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER,
        note TEXT,
        PRIMARY KEY (kind, id)
      ) STRICT;
      CREATE INDEX one_time_expires_at ON one_time (expires_at);

      CREATE TABLE browser_sessions (
        hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        auth_time INTEGER NOT NULL,
        amr TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        idle_expires_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER
      ) STRICT;
      CREATE INDEX browser_sessions_user_id ON browser_sessions (user_id);
      CREATE INDEX browser_sessions_expires_at ON browser_sessions (expires_at);

      -- The primary key's leading user_id serves lookups and the cascade from users.
      CREATE TABLE consents (
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        client_id TEXT NOT NULL,
        scopes TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, client_id)
      ) STRICT;
    `,
  },
  {
    version: 3,
    sql: `
      -- WebAuthn credentials. The id (base64url credential id) is unique across users; BINARY
      -- collation (the default) keeps base64url's case distinct.
      CREATE TABLE passkeys (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        public_key TEXT NOT NULL,
        counter INTEGER NOT NULL,
        transports TEXT NOT NULL,
        device_type TEXT NOT NULL,
        backed_up INTEGER NOT NULL,
        aaguid TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER
      ) STRICT;
      CREATE INDEX passkeys_user_id ON passkeys (user_id);
    `,
  },
  {
    version: 4,
    sql: `
      -- Federated identities: (issuer, subject) names one upstream account, linked to one user.
      CREATE TABLE identities (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        issuer TEXT NOT NULL,
        subject TEXT NOT NULL,
        provider TEXT NOT NULL,
        email TEXT,
        created_at INTEGER NOT NULL,
        UNIQUE (issuer, subject)
      ) STRICT;
      CREATE INDEX identities_user_id ON identities (user_id);
    `,
  },
];

/**
 * Apply pending migrations in one IMMEDIATE transaction: the write lock is taken up front, so
 * two processes opening a fresh file at once apply each version exactly once.
 */
export function migrate(db: DatabaseSync, now: number = Date.now()): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT',
    );
    const row = db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get();
    const current = Number(row?.['v'] ?? 0);
    const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
    for (const m of migrations) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      record.run(m.version, now);
    }
    db.exec('COMMIT');
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}
