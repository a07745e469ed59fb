/**
 * JSON-lines logger. Callers pass structured fields; never a password, code, token or secret
 * (fields whose names look like those are masked as a second line of defence).
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const SECRET_FIELD = /pass(word)?|secret|token|code$|^code|otp|authorization|cookie|key$/i;

export function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [name, value] of Object.entries(fields)) {
    out[name] =
      SECRET_FIELD.test(name) && name !== 'status_code' && name !== 'error_code' ? '[redacted]' : value;
  }
  return out;
}

export function createJsonLogger(
  write: (line: string) => void = (line) => process.stdout.write(line),
  base: LogFields = {},
  minLevel: LogLevel = 'info',
): Logger {
  const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
  return {
    log(level, event, fields = {}) {
      if (order[level] < order[minLevel]) return;
      const entry = { time: new Date().toISOString(), level, event, ...redact(base), ...redact(fields) };
      write(`${JSON.stringify(entry)}\n`);
    },
    child(fields) {
      return createJsonLogger(write, { ...base, ...fields }, minLevel);
    },
  };
}

export const silentLogger: Logger = {
  log() {},
  child() {
    return silentLogger;
  },
};
