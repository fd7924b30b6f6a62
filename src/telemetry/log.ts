// Structured logs (JSON lines via pino). Every module takes a Logger so tests
// can pass a silent or capturing one.
import { pino } from 'pino';

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: object): Logger;
}

export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({
    name: options.name ?? 'portico',
    level: options.level ?? process.env.PORTICO_LOG_LEVEL ?? 'info',
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

/** A logger that drops everything (tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** A logger that records entries in memory (tests assert on logs). */
export function memoryLogger(): Logger & { entries: { level: string; msg?: string; obj: object }[] } {
  const entries: { level: string; msg?: string; obj: object }[] = [];
  const make = (bindings: object): Logger => ({
    debug: (obj, msg) => entries.push({ level: 'debug', msg, obj: { ...bindings, ...obj } }),
    info: (obj, msg) => entries.push({ level: 'info', msg, obj: { ...bindings, ...obj } }),
    warn: (obj, msg) => entries.push({ level: 'warn', msg, obj: { ...bindings, ...obj } }),
    error: (obj, msg) => entries.push({ level: 'error', msg, obj: { ...bindings, ...obj } }),
    child: (more) => make({ ...bindings, ...more }),
  });
  return Object.assign(make({}), { entries });
}
