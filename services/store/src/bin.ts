#!/usr/bin/env node
import { OptionsError, StartupError } from '@kite/common';
import { storeCommand } from './cli.js';

try {
  await storeCommand().parseAsync();
} catch (err) {
  if (err instanceof OptionsError) {
    process.stderr.write(`kite-store: ${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof StartupError) {
    process.stderr.write(`kite-store: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`kite-store: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
}
