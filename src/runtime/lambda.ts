import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { handle } from 'hono/aws-lambda';
import { loadConfig } from '../config/load.ts';
import { createApp } from '../http/app.ts';
import type { AppContext } from '../http/env.ts';
import { createCore } from './bootstrap.ts';

type Handler = ReturnType<typeof handle>;

/** API Gateway puts the caller's address in requestContext (v1: identity.sourceIp, v2: http.sourceIp). */
function sourceIp(c: AppContext): string | null {
  const env = c.env as {
    event?: { requestContext?: { identity?: { sourceIp?: string }; http?: { sourceIp?: string } } };
  };
  const context = env.event?.requestContext;
  return context?.http?.sourceIp ?? context?.identity?.sourceIp ?? null;
}

let ready: Promise<Handler> | undefined;

/**
 * The Lambda runtime: one core per container, built on the first event (config errors surface
 * there and the next event retries). Serves API Gateway REST (v1) and HTTP API (v2) events.
 */
export async function handler(event: LambdaEvent, context: LambdaContext): Promise<unknown> {
  ready ??= (async () => {
    const core = await createCore(loadConfig());
    return handle(createApp(core, { clientIp: sourceIp }));
  })().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return (await ready)(event, context);
}
