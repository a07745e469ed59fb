import { Hono } from 'hono';
import type { Core } from '../../core/context.ts';
import type { AppEnv } from '../env.ts';

/** 200 once the store answers and a signing key is usable; 503 otherwise. */
export function healthRoutes(core: Core): Hono<AppEnv> {
  return new Hono<AppEnv>().get('/health', async (c) => {
    try {
      await core.store.getUserById('usr_health');
      const { keys } = await core.keys.jwks();
      if (keys.length === 0) throw new Error('no signing keys');
      return c.json({ status: 'ok' }, 200);
    } catch (error) {
      c.get('logger').log('error', 'health_failed', {
        reason: error instanceof Error ? error.message : 'unknown',
      });
      return c.json({ status: 'unavailable' }, 503);
    }
  });
}
