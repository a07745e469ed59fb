/** The bench's JSON document and its printed table. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PhaseStats } from './load.ts';

export type Skipped = { skipped: string };
export type PhaseOutcome = PhaseStats | Skipped;

/** A target as a ratio: `measured ÷ reference`, met when it reaches `target_ratio`. */
export interface Target {
  description: string;
  measured: number | null;
  reference: number | null;
  ratio: number | null;
  target_ratio: number;
  met: boolean | null;
  note?: string;
}

export interface BenchReport {
  started_at: string;
  finished_at: string;
  wall_seconds: number;
  environment: Record<string, unknown>;
  phases: Record<string, PhaseOutcome>;
  targets: Record<string, Target>;
  peak_rss_mb: { server: number | null; bench: number };
  server_rss_mb_after_phase: Record<string, { peak: number; current: number } | null>;
}

export const PHASE_LABELS: Record<string, string> = {
  argon2id_hash_raw: 'argon2id hash (raw, in-process)',
  password_signin: 'password sign-in  POST /v1/signin',
  refresh_grant: 'refresh grant     POST /v1/refresh',
  client_credentials_grant: 'client_credentials POST /oauth/token',
  guard_verify: 'gatehouse/guard verify()',
  jose_verify_raw: 'jose jwtVerify (raw, local key)',
};

export const isSkipped = (phase: PhaseOutcome | undefined): phase is Skipped =>
  phase !== undefined && 'skipped' in phase;

export function target(
  description: string,
  measured: number | null,
  reference: number | null,
  targetRatio: number,
  note?: string,
): Target {
  const ratio =
    measured === null || reference === null || reference === 0
      ? null
      : Math.round((measured / reference) * 1000) / 1000;
  return {
    description,
    measured,
    reference,
    ratio,
    target_ratio: targetRatio,
    met: ratio === null ? null : ratio >= targetRatio,
    ...(note !== undefined ? { note } : {}),
  };
}

const pad = (text: string, width: number) => text.padEnd(width);
const lpad = (text: string, width: number) => text.padStart(width);
const num = (value: number, digits = 1) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '-';

export function formatTable(report: BenchReport): string {
  const env = report.environment;
  const lines: string[] = [];
  lines.push(
    `Gatehouse bench: ${env['seconds_per_phase']} s per phase, ${env['concurrency']} in flight, ` +
      `node ${env['node']}, ${env['cpus']} CPU (${env['cpu_model']}), ${env['signing_alg']}, ` +
      `argon2id m=${env['argon2_memory_kib']} KiB t=${env['argon2_time_cost']} p=${env['argon2_parallelism']}`,
  );
  lines.push('');
  const header = `${pad('phase', 38)}${lpad('ops/s', 11)}${lpad('p50 ms', 10)}${lpad('p99 ms', 10)}${lpad('ops', 9)}${lpad('failures', 10)}`;
  lines.push(header, '-'.repeat(header.length));
  for (const [key, phase] of Object.entries(report.phases)) {
    const label = PHASE_LABELS[key] ?? key;
    if (isSkipped(phase)) {
      lines.push(`${pad(label, 38)}  skipped: ${phase.skipped}`);
      continue;
    }
    lines.push(
      `${pad(label, 38)}${lpad(num(phase.per_second), 11)}${lpad(num(phase.p50_ms, 2), 10)}` +
        `${lpad(num(phase.p99_ms, 2), 10)}${lpad(String(phase.ops), 9)}${lpad(String(phase.failures), 10)}`,
    );
    for (const [label2, count] of Object.entries(phase.failure_labels))
      lines.push(`    ${count} × ${label2}`);
  }
  lines.push('', 'targets (informational, not asserted)');
  for (const t of Object.values(report.targets)) {
    const verdict = t.met === null ? 'n/a' : t.met ? 'met' : 'MISSED';
    const ratio = t.ratio === null ? '-' : t.ratio.toFixed(3);
    lines.push(
      `  ${pad(t.description, 52)}${lpad(ratio, 7)}  (target ≥ ${t.target_ratio.toFixed(2)})  ${verdict}`,
    );
    if (t.note !== undefined) lines.push(`      ${t.note}`);
  }
  lines.push('');
  const server = report.peak_rss_mb.server;
  lines.push(
    `peak RSS: server ${server === null ? 'n/a (no /proc)' : `${num(server)} MB`}, bench process ${num(report.peak_rss_mb.bench)} MB`,
  );
  lines.push(`wall time ${num(report.wall_seconds)} s`);
  return lines.join('\n');
}

/** Writes `latest.json` and a timestamped copy; returns their paths. */
export function writeReport(dir: string, report: BenchReport): string[] {
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const stamp = report.started_at.replace(/[:.]/g, '-');
  const files = [join(dir, 'latest.json'), join(dir, `${stamp}.json`)];
  for (const file of files) writeFileSync(file, json);
  return files;
}
