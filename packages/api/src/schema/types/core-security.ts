import { f, struct, T, type StructDef } from '../dsl.js';
import { core, coreRef } from './core-common.js';

const profileType = T.enumOf('Localhost', 'RuntimeDefault', 'Unconfined');

/** Container and pod security contexts and their parts. */
export const coreSecurityTypes: StructDef[] = [
  struct(core('SecurityContext'), {
    capabilities: f(1, coreRef('Capabilities')),
    privileged: f(2, T.boolean, { pointer: true }),
    seLinuxOptions: f(3, coreRef('SELinuxOptions')),
    windowsOptions: f(10, coreRef('WindowsSecurityContextOptions')),
    runAsUser: f(4, T.int64, { pointer: true }),
    runAsGroup: f(8, T.int64, { pointer: true }),
    runAsNonRoot: f(5, T.boolean, { pointer: true }),
    readOnlyRootFilesystem: f(6, T.boolean, { pointer: true }),
    allowPrivilegeEscalation: f(7, T.boolean, { pointer: true }),
    procMount: f(9, T.enumOf('Default', 'Unmasked'), { pointer: true }),
    seccompProfile: f(11, coreRef('SeccompProfile')),
    appArmorProfile: f(12, coreRef('AppArmorProfile')),
    ulimits: f(13, T.list(coreRef('Ulimit')), { listType: 'map', listMapKeys: ['name'] }),
  }),
  struct(core('PodSecurityContext'), {
    seLinuxOptions: f(1, coreRef('SELinuxOptions')),
    windowsOptions: f(8, coreRef('WindowsSecurityContextOptions')),
    runAsUser: f(2, T.int64, { pointer: true }),
    runAsGroup: f(6, T.int64, { pointer: true }),
    runAsNonRoot: f(3, T.boolean, { pointer: true }),
    supplementalGroups: f(4, T.list(T.int64), { listType: 'atomic' }),
    supplementalGroupsPolicy: f(12, T.enumOf('Merge', 'Strict'), { pointer: true }),
    fsGroup: f(5, T.int64, { pointer: true }),
    sysctls: f(7, T.list(coreRef('Sysctl')), { listType: 'atomic' }),
    fsGroupChangePolicy: f(9, T.enumOf('OnRootMismatch', 'Always'), { pointer: true }),
    seccompProfile: f(10, coreRef('SeccompProfile')),
    appArmorProfile: f(11, coreRef('AppArmorProfile')),
    seLinuxChangePolicy: f(13, T.enumOf('MountOption', 'Recursive'), { pointer: true }),
  }),
  struct(core('Capabilities'), {
    add: f(1, T.list(T.string), { listType: 'atomic' }),
    drop: f(2, T.list(T.string), { listType: 'atomic' }),
  }),
  struct(core('SELinuxOptions'), {
    user: f(1, T.string),
    role: f(2, T.string),
    type: f(3, T.string),
    level: f(4, T.string),
  }),
  struct(core('WindowsSecurityContextOptions'), {
    gmsaCredentialSpecName: f(1, T.string, { pointer: true }),
    gmsaCredentialSpec: f(2, T.string, { pointer: true }),
    runAsUserName: f(3, T.string, { pointer: true }),
    hostProcess: f(4, T.boolean, { pointer: true }),
  }),
  struct(core('SeccompProfile'), {
    type: f(1, profileType, { required: true }),
    localhostProfile: f(2, T.string, { pointer: true }),
  }),
  struct(core('AppArmorProfile'), {
    type: f(1, profileType, { required: true }),
    localhostProfile: f(2, T.string, { pointer: true }),
  }),
  struct(core('Ulimit'), {
    name: f(1, T.string, { required: true }),
    hard: f(2, T.int64),
    soft: f(3, T.int64),
  }),
  struct(core('Sysctl'), {
    name: f(1, T.string, { required: true }),
    value: f(2, T.string),
  }),
];
