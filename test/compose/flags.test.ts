import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KUBELET_NODE_FLAGS } from '@kite/kubelet';
import { repoRoot } from '../support/processes.js';

interface Service {
  command?: string[];
  healthcheck?: { test?: string[] };
  networks?: Record<string, { ipv4_address?: string } | null>;
}

interface Compose {
  services: Record<string, Service>;
}

const CLUSTER = ['store', 'apiserver', 'scheduler', 'controller-manager', 'node-1', 'node-2', 'node-3'];

/** `node [node flags] script [program flags]`, split. */
function split(command: string[]): { nodeFlags: string[]; script: string; args: string[] } {
  const at = command.findIndex((a, i) => i > 0 && !a.startsWith('-'));
  return { nodeFlags: command.slice(1, at), script: command[at] as string, args: command.slice(at + 1) };
}

const flagValue = (command: string[], flag: string): string | undefined => command.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);

/** No Docker engine runs here, so the compose file is checked against the programs' own --help. */
describe('docker-compose.yml', () => {
  // Compose reads `<<` merge keys (the kubelets share one anchor); YAML 1.2 needs them asked for.
  const compose = parse(readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as Compose;
  const services = Object.entries(compose.services).filter(([, s]) => s.command?.[0] === 'node');

  it('runs every component of the cluster from a built entry point', () => {
    expect(services.map(([name]) => name).sort()).toEqual([...CLUSTER].sort());
  });

  it.each(services.map(([name, s]) => [name, s.command as string[]]))('%s passes only flags its program documents', (_name, command) => {
    const { script, args } = split(command);
    const help = execFileSync(process.execPath, [path.join(repoRoot, script as string), '--help']).toString();
    for (const arg of args) {
      const flag = arg.split('=')[0] as string;
      expect(flag.startsWith('--'), `${arg} is written --flag=value`).toBe(true);
      expect(help, `${script} --help has no ${flag}`).toMatch(new RegExp(`(^|\\s)${flag}[\\s<=]`));
    }
  });

  it.each(services.map(([name, s]) => [name, s]))('%s is checked on /readyz at the port it serves it on', (name, s) => {
    const command = s.command as string[];
    // The apiserver serves /readyz beside its API; everything else on --metrics-listen.
    const listen = flagValue(command, name === 'apiserver' ? '--listen' : '--metrics-listen');
    expect(listen, `${name} sets the address it serves /readyz on`).toBeDefined();
    const probe = (s.healthcheck?.test ?? []).join(' ');
    const url = /http:\/\/[^'"\s]+/.exec(probe)?.[0];
    expect(url, `${name} has an HTTP healthcheck`).toBeDefined();
    const u = new URL(url as string);
    expect(u.pathname).toBe('/readyz');
    expect(u.port).toBe(listen?.split(':').pop());
  });

  it.each(services.map(([name, s]) => [name, s.command as string[]]))('%s runs node with the flags its supervisor kite up uses', (_name, command) => {
    const { nodeFlags, script } = split(command);
    expect(nodeFlags).toEqual(script.includes('kubelet') ? KUBELET_NODE_FLAGS : []);
  });

  it.each(services.filter(([, s]) => s.command?.some((a) => a.includes('kubelet/dist'))).map(([name, s]) => [name, s]))(
    '%s reports the address compose gives it and streams on every interface',
    (name, s) => {
      const command = s.command as string[];
      const fixed = Object.values(s.networks ?? {}).map((n) => n?.ipv4_address);
      expect(fixed, `${name} has a fixed address`).toContain(flagValue(command, '--node-ip'));
      expect(flagValue(command, '--streaming-listen')).toMatch(/^0\.0\.0\.0:\d+$/);
    },
  );
});
