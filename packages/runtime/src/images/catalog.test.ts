import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readlink, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImageCatalog, type ResolvedImage } from './catalog.js';
import { ImagePullError } from './errors.js';
import { canonicalImageName, parseImageRef } from './reference.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), `kite-images-${process.pid}-`));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('parseImageRef', () => {
  it.each([
    ['nginx', { registry: 'docker.io', repository: 'nginx' }, 'docker.io/library/nginx:latest'],
    ['nginx:1.25', { registry: 'docker.io', repository: 'nginx', tag: '1.25' }, 'docker.io/library/nginx:1.25'],
    ['docker.io/library/nginx:latest', { registry: 'docker.io', repository: 'nginx', tag: 'latest' }, 'docker.io/library/nginx:latest'],
    ['library/busybox:1.28', { registry: 'docker.io', repository: 'busybox', tag: '1.28' }, 'docker.io/library/busybox:1.28'],
    ['index.docker.io/library/redis', { registry: 'docker.io', repository: 'redis' }, 'docker.io/library/redis:latest'],
    [`busybox@${DIGEST}`, { registry: 'docker.io', repository: 'busybox', digest: DIGEST }, `docker.io/library/busybox@${DIGEST}`],
    [`nginx:1.25@${DIGEST}`, { registry: 'docker.io', repository: 'nginx', tag: '1.25', digest: DIGEST }, `docker.io/library/nginx:1.25@${DIGEST}`],
    ['registry.k8s.io/pause:3.9', { registry: 'registry.k8s.io', repository: 'pause', tag: '3.9' }, 'registry.k8s.io/pause:3.9'],
    ['localhost:5000/team/app:v1', { registry: 'localhost:5000', repository: 'team/app', tag: 'v1' }, 'localhost:5000/team/app:v1'],
    ['luksa/kubia', { registry: 'docker.io', repository: 'luksa/kubia' }, 'docker.io/luksa/kubia:latest'],
    ['mycontainerregistry.io/foo', { registry: 'mycontainerregistry.io', repository: 'foo' }, 'mycontainerregistry.io/foo:latest'],
  ])('%s', (raw, want, canonical) => {
    const ref = parseImageRef(raw);
    expect(ref).toEqual({ raw, ...want });
    expect(canonicalImageName(ref)).toBe(canonical);
  });

  it.each(['', 'Nginx', 'nginx:', 'nginx:bad tag', 'a b', 'nginx@sha256:short', '/nginx', 'nginx//x'])('rejects %j', (raw) => {
    expect(() => parseImageRef(raw)).toThrow(/invalid reference format/);
  });
});

describe('ImageCatalog defaults', () => {
  const catalog = ImageCatalog.withDefaults();

  it('lists the defaults', () => {
    expect(catalog.available()).toEqual(['busybox', 'nginx', 'node', 'pause', 'python', 'redis']);
  });

  // Each default in the forms pods write it; the check says what makes the entry that image.
  it.each<[string, string, (r: ResolvedImage, containerDir: string) => void]>([
    ['busybox', 'docker.io/library/busybox:latest', (r, d) => {
      expect(r.cmd).toEqual(['sh']);
      expect(r.entrypoint).toEqual([]);
      expect(r.pathPrefix).toEqual([path.join(d, 'busybox-bin')]);
    }],
    ['busybox:1.28', 'docker.io/library/busybox:1.28', (r) => expect(r.cmd).toEqual(['sh'])],
    [`busybox@${DIGEST}`, `docker.io/library/busybox@${DIGEST}`, (r) => expect(r.cmd).toEqual(['sh'])],
    ['nginx', 'docker.io/library/nginx:latest', (r, d) => {
      // As root the container sees its config where it is mounted; otherwise at the node path.
      const conf = process.geteuid?.() === 0 ? '/etc/nginx/nginx.conf' : path.join(d, 'nginx', 'nginx.conf');
      expect(r.cmd).toEqual([expect.stringMatching(/\/nginx$/), '-c', conf, '-g', 'daemon off;']);
      expect(r.mounts).toContainEqual({ hostPath: path.join(d, 'nginx', 'nginx.conf'), containerPath: '/etc/nginx/nginx.conf', readOnly: true });
      expect(r.mounts).toContainEqual({ hostPath: path.join(d, 'nginx', 'log'), containerPath: '/var/log/nginx', readOnly: false });
    }],
    ['nginx:alpine', 'docker.io/library/nginx:alpine', (r) => expect(r.cmd).toContain('daemon off;')],
    ['docker.io/library/nginx:1.14.2', 'docker.io/library/nginx:1.14.2', (r) => expect(r.cmd).toContain('daemon off;')],
    ['redis', 'docker.io/library/redis:latest', (r, d) => {
      expect(r.entrypoint.slice(0, 2)).toEqual(['/bin/sh', '-c']);
      expect(r.cmd).toEqual(['redis-server', '--port', '6379']);
      expect(r.workingDir).toBe('/data');
      expect(r.mounts).toEqual([{ hostPath: path.join(d, 'redis-data'), containerPath: '/data', readOnly: false }]);
    }],
    ['redis:7', 'docker.io/library/redis:7', (r) => expect(r.cmd[0]).toBe('redis-server')],
    ['node:20-alpine', 'docker.io/library/node:20-alpine', (r) => expect(r.cmd).toEqual(['node'])],
    ['python:3.11-slim', 'docker.io/library/python:3.11-slim', (r, d) => {
      expect(r.cmd).toEqual(['python3']);
      expect(r.env).toMatchObject({ PYTHONUNBUFFERED: '1' });
      expect(r.pathPrefix).toEqual([path.join(d, 'python-bin')]);
    }],
    ['registry.k8s.io/pause:3.9', 'registry.k8s.io/pause:3.9', (r) => expect(r.cmd.slice(0, 2)).toEqual(['/bin/sh', '-c'])],
  ])('resolves %s', async (image, canonical, check) => {
    const containerDir = path.join(dir, 'c');
    const r = await catalog.resolve(image, containerDir);
    expect(r.image).toBe(canonical);
    expect(r.env['PATH']).toBe('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    expect(r.imageID).toMatch(/@sha256:[0-9a-f]{64}$/);
    check(r, containerDir);
  });

  it('gives one image the same imageID in every container, and different images different ones', async () => {
    const a = await catalog.resolve('nginx', path.join(dir, 'a'));
    const b = await catalog.resolve('nginx:1.25', path.join(dir, 'b'));
    const c = await catalog.resolve('busybox', path.join(dir, 'c'));
    expect(a.imageID).toBe(b.imageID);
    expect(a.imageID).toMatch(/^docker\.io\/library\/nginx@/);
    expect(c.imageID).not.toBe(a.imageID);
  });

  it('links every busybox applet to busybox', async () => {
    const r = await catalog.resolve('busybox', path.join(dir, 'c'));
    for (const applet of ['sh', 'tail', 'wget', 'nslookup', 'nc', 'httpd', 'sleep']) {
      expect(await readlink(path.join(r.pathPrefix[0]!, applet))).toMatch(/\/busybox$/);
    }
    // A restart resolves into the same directory again.
    await expect(catalog.resolve('busybox', path.join(dir, 'c'))).resolves.toBeDefined();
  });

  it('shares one applet directory when given sharedDir, rebuilding one left half made', async () => {
    const sharedDir = path.join(dir, 'shared');
    const links = path.join(sharedDir, 'busybox-bin');
    await mkdir(links, { recursive: true });
    await writeFile(path.join(links, 'leftover'), '');
    const shared = ImageCatalog.withDefaults({ sharedDir });
    const [a, b] = await Promise.all([shared.resolve('busybox', path.join(dir, 'a')), shared.resolve('busybox:1.28', path.join(dir, 'b'))]);
    expect(a.pathPrefix).toEqual([links]);
    expect(b.pathPrefix).toEqual([links]);
    expect(await readlink(path.join(links, 'wget'))).toMatch(/\/busybox$/);
    expect(existsSync(path.join(links, 'leftover'))).toBe(false);
    expect(existsSync(path.join(dir, 'a', 'busybox-bin'))).toBe(false);
    // A new kubelet finds the directory made and keeps it.
    await writeFile(path.join(links, 'marker'), '');
    await ImageCatalog.withDefaults({ sharedDir }).resolve('busybox', path.join(dir, 'c'));
    expect(existsSync(path.join(links, 'marker'))).toBe(true);
  });

  it.each([
    ['foo:1.0', `image "foo:1.0" is not in kite's local catalog (kite never pulls images); available: busybox, nginx, node, pause, python, redis — add entries with --image-catalog FILE`],
    ['bbachin1/adapter-node-server', /^image "bbachin1\/adapter-node-server" is not in kite's local catalog/],
    ['alpine/git', /^image "alpine\/git" is not in kite's local catalog/],
  ])('refuses unknown image %s', async (image, message) => {
    const err = await catalog.resolve(image, path.join(dir, 'c')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImagePullError);
    expect((err as ImagePullError).reason).toBe('ErrImagePull');
    expect((err as Error).message).toMatch(message);
  });

  it('calls a malformed reference InvalidImageName', async () => {
    const err = await catalog.resolve('NGINX', path.join(dir, 'c')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImagePullError);
    expect((err as ImagePullError).reason).toBe('InvalidImageName');
    expect((err as Error).message).toBe(`Failed to apply default image tag "NGINX": couldn't parse image name "NGINX": invalid reference format`);
  });
});

describe('ImageCatalog user entries', () => {
  it('loads JSON, matching any tag unless the key names one', async () => {
    const file = path.join(dir, 'catalog.json');
    await writeFile(file, JSON.stringify({
      images: {
        myapp: { entrypoint: ['/usr/bin/env'], cmd: ['A=1'], env: { MODE: 'prod' }, workingDir: '/srv' },
        'myapp:2': { cmd: ['two'] },
        'mycontainerregistry.io/foo': { from: 'busybox', cmd: ['sleep', '3600'] },
      },
    }));
    const catalog = ImageCatalog.withDefaults();
    expect(await catalog.loadFile(file)).toEqual(['myapp', 'myapp:2', 'mycontainerregistry.io/foo']);
    expect(catalog.available()).toContain('myapp:2');

    const one = await catalog.resolve('registry.example.com/myapp:1', path.join(dir, 'a'));
    expect(one).toMatchObject({ entrypoint: ['/usr/bin/env'], cmd: ['A=1'], workingDir: '/srv', env: { MODE: 'prod', PATH: expect.any(String) } });
    expect((await catalog.resolve('myapp:2', path.join(dir, 'b'))).cmd).toEqual(['two']);

    const foo = await catalog.resolve('mycontainerregistry.io/foo', path.join(dir, 'c'));
    expect(foo.cmd).toEqual(['sleep', '3600']);
    expect(foo.pathPrefix).toEqual([path.join(dir, 'c', 'busybox-bin')]);
  });

  it('loads YAML and lets a user entry replace a default', async () => {
    const file = path.join(dir, 'catalog.yaml');
    await writeFile(file, 'images:\n  nginx:\n    cmd: [/bin/true]\n  "luksa/kubia":\n    from: node\n    cmd: [/srv/app.js]\n');
    const catalog = ImageCatalog.withDefaults();
    await catalog.loadFile(file);
    expect((await catalog.resolve('nginx:1.19.2', path.join(dir, 'a'))).cmd).toEqual(['/bin/true']);
    const kubia = await catalog.resolve('luksa/kubia', path.join(dir, 'b'));
    expect(kubia.cmd).toEqual(['/srv/app.js']);
    expect(kubia.entrypoint[0]).toBe('/bin/sh');
  });

  it.each([
    ['{"images": []}', /expected an object with an "images" map/],
    ['{"images": {"x": {"cmd": "ls"}}}', /images\.x\.cmd must be a list of strings/],
    ['{"images": {"x": {"command": ["ls"]}}}', /images\.x: unknown field "command"/],
    ['{"images": {"x": {"env": {"A": 1}}}}', /images\.x\.env must map names to strings/],
    ['{"images": {"x": {"cmd": ["ls"], "workingDir": "srv"}}}', /workingDir must be an absolute path/],
    ['{"images": {"Bad Name": {"cmd": ["ls"]}}}', /"Bad Name" is not a valid image name/],
    ['{"images": {"x": {}}}', /needs entrypoint, cmd or from/],
    ['images: [unclosed', /image catalog .*catalog\.file/],
  ])('rejects %s', async (text, message) => {
    const file = path.join(dir, 'catalog.file');
    await writeFile(file, text);
    await expect(new ImageCatalog().loadFile(file)).rejects.toThrow(message);
  });

  it('reports a `from` loop and a missing base as pull errors', async () => {
    const catalog = new ImageCatalog()
      .register({ name: 'a', from: 'b' })
      .register({ name: 'b', from: 'a' })
      .register({ name: 'c', from: 'nope' });
    await expect(catalog.resolve('a', path.join(dir, 'x'))).rejects.toThrow(/entries form a loop: a -> b -> a/);
    await expect(catalog.resolve('c', path.join(dir, 'x'))).rejects.toThrow(/built from "nope", which is not in kite's local catalog/);
  });
});
