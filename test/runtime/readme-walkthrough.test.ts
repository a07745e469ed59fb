import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../helpers/server.ts';

const root = new URL('../../', import.meta.url).pathname;
const node = join(root, 'node_modules/.bin/node');

/** The first ```sh block under "## Try it" in README.md. */
function walkthrough(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Try it'));
  const match = section.match(/```sh\n([\s\S]*?)```/);
  if (!match?.[1]) throw new Error('README has no walkthrough block');
  return match[1];
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout }));
  });
}

describe('the README walkthrough, run as written against npm start', () => {
  let dataDir: string;
  let port: number;
  let server: ReturnType<typeof spawn>;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-readme-'));
    port = await freePort();
    env = { ...process.env, PORT: String(port), GATEHOUSE_DATA_DIR: dataDir };
    delete env['GATEHOUSE_SMTP_URL'];
    delete env['GATEHOUSE_CONFIG'];
    server = spawn(node, ['src/runtime/cli.ts', 'serve'], { cwd: root, env, stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('server did not become healthy');
  });
  after(() => {
    server.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints each documented answer and ends with a 204 sign-out', async () => {
    const script = `set -euo pipefail\n${walkthrough().replaceAll('localhost:3000', `localhost:${port}`)}`;
    const { code, stdout } = await run('bash', ['-c', script], env);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /\{"status":"verification_sent"\}/);
    assert.match(stdout, /\{"status":"confirmed"\}/);
    assert.match(stdout, /"email":"ada@example.com","email_verified":true/);
    assert.match(stdout, /204\n$/);
  });
});
