import { readFileSync } from 'node:fs';

let common: ReadonlySet<string> | undefined;

/** The bundled list (scripts/build-common-passwords.ts), read on first use to keep cold starts short. */
export function isCommonPassword(normalised: string): boolean {
  common ??= new Set(
    readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line !== ''),
  );
  return common.has(normalised.toLowerCase());
}
