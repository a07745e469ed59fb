import type { SQLOutputValue } from 'node:sqlite';

/** Typed readers for result columns, and the encoding of booleans as parameters. */

export type Row = Record<string, SQLOutputValue>;

export function bool(b: boolean): number {
  return b ? 1 : 0;
}

export function str(v: SQLOutputValue | undefined): string {
  if (typeof v !== 'string') throw new TypeError(`expected text column, got ${typeof v}`);
  return v;
}

export function strOrNull(v: SQLOutputValue | undefined): string | null {
  return v === null ? null : str(v);
}

export function num(v: SQLOutputValue | undefined): number {
  if (typeof v !== 'number') throw new TypeError(`expected integer column, got ${typeof v}`);
  return v;
}

export function numOrNull(v: SQLOutputValue | undefined): number | null {
  return v === null ? null : num(v);
}

export function strings(v: SQLOutputValue | undefined): string[] {
  return JSON.parse(str(v)) as string[];
}
