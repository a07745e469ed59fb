#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config.ts';
import { loadConfig } from '../config/load.ts';
import { latestOutboxCommand, rotateKeysCommand } from './cli-keys.ts';
import { createUserCommand } from './cli-users.ts';
import { startNodeServer } from './node-server.ts';

const USAGE = `usage: gatehouse <command>
  serve                                     start the server (PORT, GATEHOUSE_* from the environment)
  keys rotate                               retire the signing key, promote the published next key
  users create --email E [--role R]... [--password P] [--name N] [--unverified]
  outbox [--to EMAIL]                       print the newest mail written to DATA_DIR/outbox`;

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (command === 'serve') {
    const server = await startNodeServer(loadConfig());
    const stop = () => void server.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return -1; // keep running
  }
  if (command === 'keys' && sub === 'rotate') return rotateKeysCommand(loadConfig());
  if (command === 'users' && sub === 'create') {
    const { values } = parseArgs({
      args: rest,
      options: {
        email: { type: 'string' },
        role: { type: 'string', multiple: true },
        password: { type: 'string' },
        unverified: { type: 'boolean', default: false },
        name: { type: 'string' },
      },
    });
    return createUserCommand(loadConfig(), values);
  }
  if (command === 'outbox') {
    const { values } = parseArgs({
      args: [sub, ...rest].filter((a) => a !== undefined),
      options: { to: { type: 'string' } },
    });
    return latestOutboxCommand(loadConfig(), values.to);
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    // One line naming the bad setting (§1); anything else is a bug worth its stack.
    if (error instanceof ConfigError) console.error(`gatehouse: ${error.message}`);
    else console.error(error);
    process.exitCode = 1;
  },
);
