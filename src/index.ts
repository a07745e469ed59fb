/**
 * `gatehouse`: embed the provider in your own process. Most deployments run `npm start` or the
 * Lambda `handler` from `gatehouse/aws`; the API toolkit lives in `gatehouse/guard`.
 */
export type { DatabaseConfig, GatehouseConfig, SigningAlg } from './config/config.ts';
export { ConfigError } from './config/config.ts';
export type { ClientConfig } from './config/file-schema.ts';
export { loadConfig } from './config/load.ts';
export type { Core } from './core/context.ts';
export type { ErrorCode } from './core/errors.ts';
export { ERROR_CODES } from './core/errors.ts';
export { type AppOptions, createApp } from './http/app.ts';
export { type BootstrapOverrides, createCore } from './runtime/bootstrap.ts';
export { type RunningServer, startNodeServer } from './runtime/node-server.ts';
export type { Store } from './storage/port.ts';
