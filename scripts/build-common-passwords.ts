/**
 * Regenerates src/core/passwords/common-passwords.txt: the 10,000 most common passwords that
 * would otherwise pass the length rule (8-256), from the frequency-ranked list of
 * @zxcvbn-ts/language-common (MIT, derived from public breach corpora). Shorter ones are
 * refused by length already, so listing them would waste the budget.
 * Run: node scripts/build-common-passwords.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const source = require
  .resolve('@zxcvbn-ts/language-common/package.json')
  .replace(/package\.json$/, 'src/passwords.json');
const ranked = JSON.parse(readFileSync(source, 'utf8')) as string[];
const seen = new Set<string>();
for (const password of ranked) {
  const normalised = password.normalize('NFKC').toLowerCase();
  if ([...normalised].length >= 8) seen.add(normalised);
  if (seen.size === 10_000) break;
}
const target = new URL('../src/core/passwords/common-passwords.txt', import.meta.url);
writeFileSync(target, `${[...seen].join('\n')}\n`);
console.log(`wrote ${seen.size} passwords to ${target.pathname}`);
