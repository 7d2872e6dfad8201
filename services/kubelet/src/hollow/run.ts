import { KiteClient } from '@kite/client';
import { createLogger, handleShutdownSignals, routeGrpcLogs } from '@kite/common';
import { startHollowNodes } from './hollow-nodes.js';
import { compileHollowOptions, type HollowFlags } from './options.js';

/** `kite-kubelet --hollow-nodes N`: the whole process is the hollow nodes. */
export async function runHollowKubelet(flags: HollowFlags & { logLevel: string }): Promise<void> {
  const o = compileHollowOptions(flags);
  const log = createLogger({ component: 'kite-kubelet', level: flags.logLevel as 'info' }).child({ hollow: o.prefix });
  routeGrpcLogs(log);
  const client = new KiteClient(o.apiserver);
  let hollow;
  try {
    hollow = await startHollowNodes(client, o, log);
  } catch (err) {
    client.close();
    throw err;
  }
  // Said on stdout for benchmarks and tests, which wait for it.
  process.stdout.write(`kite-kubelet hollow nodes ${o.prefix}0..${o.prefix}${o.count - 1} serving (metrics ${hollow.metricsAddress})\n`);
  await handleShutdownSignals(log, [() => client.close(), () => hollow.close()]);
}
