import { constants } from 'node:fs';
import { open, mkdir, stat } from 'node:fs/promises';

/** spec.volumes[].hostPath.type; '' (the default) checks nothing. */
export type HostPathType = '' | 'DirectoryOrCreate' | 'Directory' | 'FileOrCreate' | 'File' | 'Socket' | 'CharDevice' | 'BlockDevice';

type FileType = 'Directory' | 'File' | 'Socket' | 'CharDevice' | 'BlockDevice';

const DESCRIPTION: Record<FileType, string> = {
  Directory: 'directory',
  File: 'file',
  Socket: 'socket file',
  CharDevice: 'character device',
  BlockDevice: 'block device',
};

/**
 * Checks (and for the *OrCreate types creates) a hostPath volume's path the way the kubelet
 * does, with its error wording, which pod events show after "MountVolume.SetUp failed for
 * volume ...". Symlinks are followed. FileOrCreate does not create missing parent directories.
 */
export async function checkHostPath(path: string, type: string | undefined): Promise<void> {
  switch (type ?? '') {
    case '':
      return;
    case 'DirectoryOrCreate':
      if (!(await exists(path))) await mkdir(path, { recursive: true, mode: 0o755 });
      return expectType(path, 'Directory');
    case 'FileOrCreate':
      if (!(await exists(path))) await (await open(path, constants.O_RDONLY | constants.O_CREAT, 0o644)).close();
      return expectType(path, 'File');
    case 'Directory':
    case 'File':
    case 'Socket':
    case 'CharDevice':
    case 'BlockDevice':
      return expectType(path, type as FileType);
    default:
      throw new Error(`${type} is an invalid volume type`);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function expectType(path: string, want: FileType): Promise<void> {
  const st = await stat(path).catch(() => undefined);
  if (st === undefined) throw new Error(`hostPath ${path} doesn't exist`);
  const actual: FileType | undefined = st.isDirectory()
    ? 'Directory'
    : st.isFile()
      ? 'File'
      : st.isSocket()
        ? 'Socket'
        : st.isCharacterDevice()
          ? 'CharDevice'
          : st.isBlockDevice()
            ? 'BlockDevice'
            : undefined;
  if (actual === undefined) {
    throw new Error(
      `hostPath type check failed, ${path} is not a ${DESCRIPTION[want]}, unable to determine its type: only recognise file, directory, socket, block device and character device`,
    );
  }
  if (actual !== want) throw new Error(`hostPath type check failed: ${path} is not a ${DESCRIPTION[want]}, it's a ${actual}`);
}
