import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { handle } from 'hono/aws-lambda';
import { loadConfig } from '../config/load.ts';
import type { Core } from '../core/context.ts';
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

let ready: Promise<{ serve: Handler; core: Core }> | undefined;

/**
 * The Lambda runtime: one core per container, built on the first event (config errors surface
 * there and the next event retries). Serves API Gateway REST (v1) and HTTP API (v2) events.
 */
export async function handler(event: LambdaEvent, context: LambdaContext): Promise<unknown> {
  ready ??= (async () => {
    const core = await createCore(loadConfig());
    return { serve: handle(createApp(core, { clientIp: sourceIp })), core };
  })().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  const { serve, core } = await ready;
  const response = await serve(event, context);
  // A container is frozen once the handler returns, so queued mail is sent first. The answer
  // then waits for SMTP on Lambda; keep SMTP close (SES in-region) to keep that short.
  await core.tasks.drain();
  return response;
}
