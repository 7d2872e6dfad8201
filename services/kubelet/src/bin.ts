#!/usr/bin/env -S node --max-semi-space-size=2
import { OptionsError, StartupError } from '@kite/common';
import { kubeletCommand } from './cli.js';

try {
  await kubeletCommand().parseAsync();
  process.exit(0);
} catch (err) {
  if (err instanceof OptionsError) {
    process.stderr.write(`kite-kubelet: ${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof StartupError) {
    process.stderr.write(`kite-kubelet: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`kite-kubelet: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
}
