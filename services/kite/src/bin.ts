#!/usr/bin/env node
import { kiteCommand } from './cli.js';

try {
  await kiteCommand().parseAsync();
} catch (err) {
  process.stderr.write(`kite: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
