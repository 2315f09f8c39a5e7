/** Structured logging. Fields are data about messages (ids, types, DIDs), never key material. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const noop = () => undefined;
/** A logger that drops everything (the Agent's default). */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** One JSON object a line on stderr (or the given sink). */
export function jsonLogger(level: 'debug' | 'info' | 'warn' | 'error' = 'info', sink: (line: string) => void = (l) => console.error(l)): Logger {
  const order = { debug: 0, info: 1, warn: 2, error: 3 };
  const at = (lvl: keyof typeof order) => (msg: string, fields?: Record<string, unknown>) => {
    if (order[lvl] >= order[level]) sink(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields }));
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
