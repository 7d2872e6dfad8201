import type { Logger } from 'pino';

type Closer = () => Promise<void> | void;

/**
 * Runs the closers in reverse order of registration on the first SIGTERM or SIGINT; a second
 * signal exits at once. Resolves the returned promise when shutdown has finished.
 */
export function handleShutdownSignals(log: Logger, closers: Closer[]): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        log.warn({ signal }, 'second signal, exiting now');
        process.exit(130);
      }
      stopping = true;
      log.info({ signal }, 'shutting down');
      void (async () => {
        for (const close of [...closers].reverse()) {
          try {
            await close();
          } catch (err) {
            log.error({ err }, 'error during shutdown');
          }
        }
        log.info('stopped');
        resolve();
      })();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
