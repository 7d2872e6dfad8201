import { describe, expect, it } from 'vitest';
import type { ResolvedImage } from './catalog.js';
import { containerArgv, imageEnv } from './container-command.js';

const image: ResolvedImage = {
  image: 'docker.io/library/x:latest',
  imageID: 'docker.io/library/x@sha256:00',
  entrypoint: ['/entry'],
  cmd: ['default-arg'],
  env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
  mounts: [],
  pathPrefix: ['/c/busybox-bin'],
};

describe('containerArgv', () => {
  it.each<[string[] | undefined, string[] | undefined, string[]]>([
    [undefined, undefined, ['/entry', 'default-arg']],
    [[], [], ['/entry', 'default-arg']],
    [['sh', '-c', 'echo hi'], undefined, ['sh', '-c', 'echo hi']],
    [undefined, ['--flag'], ['/entry', '--flag']],
    [['/bin/sh'], ['-c', 'tail -f x'], ['/bin/sh', '-c', 'tail -f x']],
  ])('command %j args %j', (command, args, want) => expect(containerArgv(image, command, args)).toEqual(want));
});

describe('imageEnv', () => {
  it('puts the prefix before PATH', () => {
    expect(imageEnv(image)).toEqual({ PATH: '/c/busybox-bin:/usr/bin:/bin', LANG: 'C.UTF-8' });
    expect(imageEnv({ ...image, pathPrefix: [] }).PATH).toBe('/usr/bin:/bin');
  });
});
