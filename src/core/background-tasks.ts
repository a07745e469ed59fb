import type { Logger } from './log.ts';

/**
 * Work that must not delay an answer whose timing would leak something (mail for a known
 * address vs none for an unknown one). Node runs it after the response; the Lambda handler
 * drains the queue before returning, since a frozen container would never finish it.
 */
export interface BackgroundTasks {
  run(name: string, task: () => Promise<void>): void;
  /** Resolves when every task started so far has settled. */
  drain(): Promise<void>;
}

export function createBackgroundTasks(logger: Logger): BackgroundTasks {
  const pending = new Set<Promise<void>>();
  return {
    run(name, task) {
      const running = task()
        .catch((error: unknown) => {
          logger.log('error', 'background_task_failed', {
            task: name,
            reason: error instanceof Error ? error.message : 'unknown',
          });
        })
        .finally(() => pending.delete(running));
      pending.add(running);
    },
    async drain() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
