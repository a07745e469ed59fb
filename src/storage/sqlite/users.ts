import type { DatabaseSync } from 'node:sqlite';
import type { UserPatch, UserStore } from '../port.ts';
import { bool } from './columns.ts';
import { mapOrNull, toUser } from './rows.ts';

/** SQLITE_CONSTRAINT_UNIQUE extended result code. */
const SQLITE_CONSTRAINT_UNIQUE = 2067;

export function userMethods(db: DatabaseSync): UserStore {
  const sql = {
    insertUser: db.prepare(
      `INSERT INTO users (id, email, email_verified, name, password_hash, roles, disabled, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    userById: db.prepare('SELECT * FROM users WHERE id = ?'),
    userByEmail: db.prepare('SELECT * FROM users WHERE email = ?'),
    // One statement so a patch is atomic; a set_* flag distinguishes "set to null" from "leave".
    updateUser: db.prepare(
      `UPDATE users SET
         email_verified = CASE WHEN :set_ev THEN :ev ELSE email_verified END,
         name = CASE WHEN :set_name THEN :name ELSE name END,
         password_hash = CASE WHEN :set_ph THEN :ph ELSE password_hash END,
         roles = CASE WHEN :set_roles THEN :roles ELSE roles END,
         disabled = CASE WHEN :set_dis THEN :dis ELSE disabled END,
         updated_at = :now
       WHERE id = :id RETURNING *`,
    ),
  };

  return {
    async createUser(user) {
      try {
        sql.insertUser.run(
          user.id,
          user.email,
          bool(user.emailVerified),
          user.name,
          user.passwordHash,
          JSON.stringify(user.roles),
          bool(user.disabled),
          user.createdAt,
          user.updatedAt,
        );
        return 'created';
      } catch (err) {
        if (isUniqueViolation(err, 'users.email')) return 'email_taken';
        throw err;
      }
    },
    async getUserById(id) {
      return mapOrNull(sql.userById.get(id), toUser);
    },
    async getUserByEmail(email) {
      return mapOrNull(sql.userByEmail.get(email), toUser);
    },
    async updateUser(id, patch: UserPatch, now) {
      const row = sql.updateUser.get({
        id,
        now,
        set_ev: bool(patch.emailVerified !== undefined),
        ev: bool(patch.emailVerified ?? false),
        set_name: bool(patch.name !== undefined),
        name: patch.name ?? null,
        set_ph: bool(patch.passwordHash !== undefined),
        ph: patch.passwordHash ?? null,
        set_roles: bool(patch.roles !== undefined),
        roles: JSON.stringify(patch.roles ?? []),
        set_dis: bool(patch.disabled !== undefined),
        dis: bool(patch.disabled ?? false),
      });
      return mapOrNull(row, toUser);
    },
  };
}

function isUniqueViolation(err: unknown, column: string): boolean {
  if (!(err instanceof Error) || !('errcode' in err)) return false;
  return err.errcode === SQLITE_CONSTRAINT_UNIQUE && err.message.includes(column);
}
