import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { formatTimestamp } from './cri-format.js';

/**
 * The files of one container log:
 *   `<path>`                       the file being written
 *   `<path>.20240102-030405.123456789`  rotated files, oldest first by name (UTC time of rotation)
 *   `<path>.finished`              present once the writer closed for good: a following reader
 *                                  stops at the end of the data instead of waiting for more
 */

const ROTATED_SUFFIX = /^\.\d{8}-\d{6}\.\d{9}$/;

export function finishedMarker(logPath: string): string {
  return `${logPath}.finished`;
}

export function isFinished(logPath: string): boolean {
  return existsSync(finishedMarker(logPath));
}

/**
 * Marks a log finished: for a writer that can no longer close it itself, e.g. logs whose
 * container died with a previous kubelet. Readers following it then end.
 */
export function markLogFinished(logPath: string): void {
  writeFileSync(finishedMarker(logPath), '');
}

/** `<path>.YYYYMMDD-HHMMSS.nnnnnnnnn` for a rotation at `nanos`. */
export function rotatedName(logPath: string, nanos: bigint): string {
  const ts = formatTimestamp(nanos); // 2024-01-02T03:04:05.123456789Z
  return `${logPath}.${ts.slice(0, 10).replace(/-/g, '')}-${ts.slice(11, 19).replace(/:/g, '')}.${ts.slice(20, 29)}`;
}

function pickRotated(logPath: string, names: string[]): string[] {
  const base = path.basename(logPath);
  return names
    .filter((n) => n.startsWith(`${base}.`) && ROTATED_SUFFIX.test(n.slice(base.length)))
    .sort()
    .map((n) => path.join(path.dirname(logPath), n));
}

/** Rotated files of `logPath`, oldest first. */
export async function rotatedFiles(logPath: string): Promise<string[]> {
  const names = await readdir(path.dirname(logPath)).catch(() => []);
  return pickRotated(logPath, names);
}

export function rotatedFilesSync(logPath: string): string[] {
  let names: string[];
  try {
    names = readdirSync(path.dirname(logPath));
  } catch {
    return [];
  }
  return pickRotated(logPath, names);
}
