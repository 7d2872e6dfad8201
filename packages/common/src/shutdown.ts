import type { Logger } from 'pino';

type Closer = () => Promise<void> | void;

/**
 * Runs the closers in reverse order of registration on the first SIGTERM or SIGINT; another
 * signal more than a second later exits at once. Resolves the returned promise when shutdown has finished.
 */
export function handleShutdownSignals(log: Logger, closers: Closer[]): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    let firstAt = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        // Ctrl-C reaches a whole process group and a launcher forwards it too: a repeat
        // within a second is the same request, not an impatient second one.
        if (Date.now() - firstAt < 1000) return;
        log.warn({ signal }, 'second signal, exiting now');
        process.exit(130);
      }
      stopping = true;
      firstAt = Date.now();
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
