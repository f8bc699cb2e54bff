/** One JSON object per line on stdout/stderr: what log collectors expect from a container. */
type Level = 'info' | 'warn' | 'error' | 'fatal';

function write(level: Level, msg: string, fields: Record<string, unknown>): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields });
  if (level === 'info') console.log(line);
  else console.error(line);
}

export const log = {
  info: (msg: string, fields: Record<string, unknown> = {}) => write('info', msg, fields),
  warn: (msg: string, fields: Record<string, unknown> = {}) => write('warn', msg, fields),
  error: (msg: string, fields: Record<string, unknown> = {}) => write('error', msg, fields),
  fatal: (msg: string, fields: Record<string, unknown> = {}) => write('fatal', msg, fields),
};

export const describeError = (error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error));
