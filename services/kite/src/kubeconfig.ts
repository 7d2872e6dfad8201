import { writeFile } from 'node:fs/promises';
import path from 'node:path';

export const kubeconfigPath = (dataDir: string): string => path.resolve(dataDir, 'kubeconfig');

/**
 * A kubeconfig for the local cluster. kite serves plain HTTP on loopback without auth; the
 * token is there only because kubectl prompts for a username when a user has no credentials.
 */
export async function writeKubeconfig(dataDir: string, server: string): Promise<string> {
  const file = kubeconfigPath(dataDir);
  const text = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: kite',
    '  cluster:',
    `    server: ${server}`,
    'contexts:',
    '- name: kite',
    '  context:',
    '    cluster: kite',
    '    user: kite',
    '    namespace: default',
    'current-context: kite',
    'users:',
    '- name: kite',
    '  user:',
    '    token: kite',
    '',
  ].join('\n');
  await writeFile(file, text, { mode: 0o600 });
  return file;
}
