#!/usr/bin/env node
import { OptionsError, StartupError } from '@kite/common';
import { controllerManagerCommand } from './cli.js';

try {
  await controllerManagerCommand().parseAsync();
} catch (err) {
  if (err instanceof OptionsError) {
    process.stderr.write(`kite-controller-manager: ${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof StartupError) {
    process.stderr.write(`kite-controller-manager: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`kite-controller-manager: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
}
