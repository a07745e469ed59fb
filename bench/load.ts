/**
 * A closed-loop load generator: `concurrency` workers each run one operation at a time until the
 * deadline, so exactly that many operations are in flight. Every operation's latency is kept, and
 * every failure is counted by label (e.g. `HTTP 429`), never dropped.
 */
import { performance } from 'node:perf_hooks';

/** `true` for success; anything else is the failure's label. */
export type Outcome = true | string;

export interface LoadOptions {
  seconds: number;
  concurrency: number;
  /** One operation; `worker` is 0..concurrency-1 so workers can hold their own state. */
  op: (worker: number) => Promise<Outcome>;
  /** Hard bound on operations per worker, whatever the clock says. */
  maxOpsPerWorker?: number;
}

export interface LoadResult {
  ops: number;
  failures: number;
  failureLabels: Record<string, number>;
  elapsedSeconds: number;
  /** Milliseconds, successful operations only. */
  latencies: Float64Array;
}

export interface PhaseStats {
  per_second: number;
  p50_ms: number;
  p99_ms: number;
  ops: number;
  failures: number;
  failure_labels: Record<string, number>;
  seconds: number;
  concurrency: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { seconds, concurrency, op } = options;
  const maxOps = options.maxOpsPerWorker ?? 10_000_000;
  const latencies: number[] = [];
  const failureLabels: Record<string, number> = {};
  let ops = 0;
  let failures = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;

  const worker = async (index: number): Promise<void> => {
    for (let n = 0; n < maxOps && performance.now() < deadline; n++) {
      const t0 = performance.now();
      let outcome: Outcome;
      try {
        outcome = await op(index);
      } catch (error) {
        outcome = error instanceof Error ? `${error.name}: ${error.message}` : 'thrown';
      }
      const t1 = performance.now();
      ops += 1;
      if (outcome === true) latencies.push(t1 - t0);
      else {
        failures += 1;
        failureLabels[outcome] = (failureLabels[outcome] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
  return {
    ops,
    failures,
    failureLabels,
    elapsedSeconds: (performance.now() - start) / 1000,
    latencies: Float64Array.from(latencies),
  };
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

const round = (value: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** Throughput counts successful operations only: failures are reported beside it, not in it. */
export function summarize(result: LoadResult, concurrency: number): PhaseStats {
  const sorted = result.latencies.slice().sort();
  return {
    per_second: round((result.ops - result.failures) / result.elapsedSeconds, 1),
    p50_ms: round(percentile(sorted, 50), 3),
    p99_ms: round(percentile(sorted, 99), 3),
    ops: result.ops,
    failures: result.failures,
    failure_labels: result.failureLabels,
    seconds: round(result.elapsedSeconds, 3),
    concurrency,
  };
}

/** Runs a short unmeasured warm-up, then the measured phase. */
export async function measure(
  options: Omit<LoadOptions, 'seconds'> & { seconds: number; warmupSeconds: number },
): Promise<PhaseStats> {
  if (options.warmupSeconds > 0) await runLoad({ ...options, seconds: options.warmupSeconds });
  return summarize(await runLoad(options), options.concurrency);
}

function merge(results: readonly LoadResult[]): LoadResult {
  const failureLabels: Record<string, number> = {};
  for (const r of results)
    for (const [label, n] of Object.entries(r.failureLabels))
      failureLabels[label] = (failureLabels[label] ?? 0) + n;
  const latencies = new Float64Array(results.reduce((n, r) => n + r.latencies.length, 0));
  let offset = 0;
  for (const r of results) {
    latencies.set(r.latencies, offset);
    offset += r.latencies.length;
  }
  return {
    ops: results.reduce((n, r) => n + r.ops, 0),
    failures: results.reduce((n, r) => n + r.failures, 0),
    failureLabels,
    elapsedSeconds: results.reduce((n, r) => n + r.elapsedSeconds, 0),
    latencies,
  };
}

/**
 * Measures operations that are compared with each other (a ratio) in alternating slices —
 * A B A B … — each getting `seconds` in all, so a burst of load from elsewhere on the machine
 * hits both sides alike instead of skewing the ratio.
 */
export async function measureInterleaved<K extends string>(
  ops: Record<K, (worker: number) => Promise<Outcome>>,
  options: { seconds: number; warmupSeconds: number; concurrency: number; rounds: number },
): Promise<Record<K, PhaseStats>> {
  const names = Object.keys(ops) as K[];
  const slice = options.seconds / options.rounds;
  const results = new Map<K, LoadResult[]>(names.map((name) => [name, []]));
  for (const name of names) {
    if (options.warmupSeconds > 0)
      await runLoad({ op: ops[name], concurrency: options.concurrency, seconds: options.warmupSeconds });
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const name of names) {
      results
        .get(name)
        ?.push(await runLoad({ op: ops[name], concurrency: options.concurrency, seconds: slice }));
    }
  }
  return Object.fromEntries(
    names.map((name) => [name, summarize(merge(results.get(name) ?? []), options.concurrency)]),
  ) as Record<K, PhaseStats>;
}
