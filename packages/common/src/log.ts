import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export interface LoggerOptions {
  component: string;
  level?: LevelWithSilent;
  /** Pretty, colourised lines; defaults to whether stderr is a terminal. */
  pretty?: boolean;
}

/**
 * JSON logs to stderr (stdout stays free for a command's own output); pretty only on a TTY,
 * because people read terminals and machines read everything else.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const level = opts.level ?? ((process.env.KITE_LOG_LEVEL as LevelWithSilent | undefined) ?? 'info');
  const pretty = opts.pretty ?? process.stderr.isTTY === true;
  if (pretty) {
    return pino({
      level,
      base: { component: opts.component },
      transport: { target: 'pino-pretty', options: { destination: 2, ignore: 'pid,hostname' } },
    });
  }
  return pino({ level, base: { component: opts.component } }, pino.destination({ dest: 2, sync: false }));
}
