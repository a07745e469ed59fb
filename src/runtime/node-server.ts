import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { ConfigError, type GatehouseConfig } from '../config/config.ts';
import type { Core } from '../core/context.ts';
import { createApp } from '../http/app.ts';
import { type BootstrapOverrides, createCore } from './bootstrap.ts';

export interface RunningServer {
  url: string;
  /** The core behind the server, for the CLI and tests in the same process. */
  core: Core;
  port: number;
  close(): Promise<void>;
}

/** The plain Node runtime: core + app behind @hono/node-server. */
export async function startNodeServer(
  config: GatehouseConfig,
  overrides: BootstrapOverrides = {},
): Promise<RunningServer> {
  const core = await createCore(config, overrides);
  const app = createApp(core, { clientIp: (c) => getConnInfo(c).remote.address ?? null });
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
    s.once('error', (error: NodeJS.ErrnoException) => {
      void core.store.close();
      reject(error.code === 'EADDRINUSE' ? new ConfigError(`PORT: ${config.port} is already in use`) : error);
    });
  });
  const port = (server.address() as AddressInfo).port;
  core.logger.log('info', 'listening', { url: `http://${config.host}:${port}`, issuer: config.issuer });
  return {
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    port,
    core,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if ('closeAllConnections' in server) server.closeAllConnections();
      await closed;
      await core.tasks.drain();
      await core.store.close();
    },
  };
}
