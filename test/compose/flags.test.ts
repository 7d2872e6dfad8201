import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../support/processes.js';

interface Compose {
  services: Record<string, { command?: string[] }>;
}

/** No Docker engine runs here, so the compose file is checked against the programs' own --help. */
describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8')) as Compose;
  const services = Object.entries(compose.services).filter(([, s]) => s.command?.[0] === 'node');

  it('runs every component it names from a built entry point', () => {
    expect(services.map(([name]) => name)).toEqual(expect.arrayContaining(['store', 'apiserver', 'scheduler']));
  });

  it.each(services.map(([name, s]) => [name, s.command as string[]]))('%s passes only flags its program documents', (_name, command) => {
    const [, script, ...args] = command;
    const help = execFileSync(process.execPath, [path.join(repoRoot, script as string), '--help']).toString();
    for (const arg of args) {
      const flag = arg.split('=')[0] as string;
      expect(flag.startsWith('--'), `${arg} is written --flag=value`).toBe(true);
      expect(help, `${script} --help has no ${flag}`).toMatch(new RegExp(`(^|\\s)${flag}[\\s<=]`));
    }
  });
});
