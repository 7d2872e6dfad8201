import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

/** The PATH container images set (Docker's default); catalog programs are looked up here first. */
export const IMAGE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const found = new Map<string, string>();

/**
 * Finds an executable in the image PATH, then in the kubelet's own PATH (a program installed
 * elsewhere still works: its directory goes on the container's PATH). The image PATH comes first
 * so that e.g. pyenv's shims do not stand in for the system python. Only hits are cached, so a
 * package installed while the kubelet runs is found on the next start.
 */
export async function findProgram(name: string): Promise<string | undefined> {
  const hit = found.get(name);
  if (hit !== undefined) return hit;
  const dirs = [...IMAGE_PATH.split(':'), ...(process.env['PATH'] ?? '').split(':')].filter((d) => path.isAbsolute(d));
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      found.set(name, candidate);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The directory to put on PATH so `program` is found by name, or none when the image PATH has it. */
export function extraPathFor(program: string): string[] {
  const dir = path.dirname(program);
  return IMAGE_PATH.split(':').includes(dir) ? [] : [dir];
}

const outputs = new Map<string, Promise<string>>();

/** Runs `program args` once per kubelet and remembers its stdout (`busybox --list`, `nginx -V`). */
export function programOutput(program: string, args: string[]): Promise<string> {
  const key = [program, ...args].join('\0');
  let out = outputs.get(key);
  if (out === undefined) {
    out = promisify(execFile)(program, args, { maxBuffer: 1 << 20 }).then(({ stdout, stderr }) => stdout + stderr);
    out.catch(() => outputs.delete(key));
    outputs.set(key, out);
  }
  return out;
}
