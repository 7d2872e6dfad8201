import { f, struct, T, type FieldDef, type StructDef } from '../dsl.js';
import { core, coreRef, embedded } from './core-common.js';
import { META } from './meta.js';

const atomic = { listType: 'atomic' } as const;
const required = { required: true } as const;
/** 0644: what Kubernetes gives files projected from ConfigMaps, Secrets and the downward API. */
const defaultMode = f(3, T.int32, { pointer: true, default: 420 });
const keyToPathItems = f(2, T.list(coreRef('KeyToPath')), atomic);
/** ConfigMap and Secret sources embed LocalObjectReference, whose only field is `name`. */
const embeddedName = f(embedded(1, 1), T.string);

/** JSON name, VolumeSource proto number and struct of every volume source. */
const sources: [string, number, string][] = [
  ['hostPath', 1, 'HostPathVolumeSource'],
  ['emptyDir', 2, 'EmptyDirVolumeSource'],
  ['gcePersistentDisk', 3, 'GCEPersistentDiskVolumeSource'],
  ['awsElasticBlockStore', 4, 'AWSElasticBlockStoreVolumeSource'],
  ['gitRepo', 5, 'GitRepoVolumeSource'],
  ['secret', 6, 'SecretVolumeSource'],
  ['nfs', 7, 'NFSVolumeSource'],
  ['iscsi', 8, 'ISCSIVolumeSource'],
  ['glusterfs', 9, 'GlusterfsVolumeSource'],
  ['persistentVolumeClaim', 10, 'PersistentVolumeClaimVolumeSource'],
  ['rbd', 11, 'RBDVolumeSource'],
  ['flexVolume', 12, 'FlexVolumeSource'],
  ['cinder', 13, 'CinderVolumeSource'],
  ['cephfs', 14, 'CephFSVolumeSource'],
  ['flocker', 15, 'FlockerVolumeSource'],
  ['downwardAPI', 16, 'DownwardAPIVolumeSource'],
  ['fc', 17, 'FCVolumeSource'],
  ['azureFile', 18, 'AzureFileVolumeSource'],
  ['configMap', 19, 'ConfigMapVolumeSource'],
  ['vsphereVolume', 20, 'VsphereVirtualDiskVolumeSource'],
  ['quobyte', 21, 'QuobyteVolumeSource'],
  ['azureDisk', 22, 'AzureDiskVolumeSource'],
  ['photonPersistentDisk', 23, 'PhotonPersistentDiskVolumeSource'],
  ['portworxVolume', 24, 'PortworxVolumeSource'],
  ['scaleIO', 25, 'ScaleIOVolumeSource'],
  ['projected', 26, 'ProjectedVolumeSource'],
  ['storageos', 27, 'StorageOSVolumeSource'],
  ['csi', 28, 'CSIVolumeSource'],
  ['ephemeral', 29, 'EphemeralVolumeSource'],
  ['image', 30, 'ImageVolumeSource'],
];

/** Volume embeds VolumeSource as its proto field 2; JSON lifts the sources beside `name`. */
const volumeFields: Record<string, FieldDef> = { name: f(1, T.string, { required: true }) };
for (const [json, n, type] of sources) volumeFields[json] = f(embedded(2, n), coreRef(type));

/** Volume, every volume source and their parts, including the PVC spec an ephemeral volume carries. */
export const coreVolumeTypes: StructDef[] = [
  struct(core('Volume'), volumeFields),
  struct(core('HostPathVolumeSource'), {
    path: f(1, T.string, required),
    type: f(2, T.enumOf('', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'), {
      pointer: true,
      default: '',
    }),
  }),
  struct(core('EmptyDirVolumeSource'), {
    medium: f(1, T.string),
    sizeLimit: f(2, T.quantity, { pointer: true }),
  }),
  struct(core('GCEPersistentDiskVolumeSource'), {
    pdName: f(1, T.string, required),
    fsType: f(2, T.string),
    partition: f(3, T.int32),
    readOnly: f(4, T.boolean),
  }),
  struct(core('AWSElasticBlockStoreVolumeSource'), {
    volumeID: f(1, T.string, required),
    fsType: f(2, T.string),
    partition: f(3, T.int32),
    readOnly: f(4, T.boolean),
  }),
  struct(core('GitRepoVolumeSource'), {
    repository: f(1, T.string, required),
    revision: f(2, T.string),
    directory: f(3, T.string),
  }),
  struct(core('SecretVolumeSource'), {
    secretName: f(1, T.string),
    items: keyToPathItems,
    defaultMode,
    optional: f(4, T.boolean, { pointer: true }),
  }),
  struct(core('NFSVolumeSource'), {
    server: f(1, T.string, required),
    path: f(2, T.string, required),
    readOnly: f(3, T.boolean),
  }),
  struct(core('ISCSIVolumeSource'), {
    targetPortal: f(1, T.string, required),
    iqn: f(2, T.string, required),
    lun: f(3, T.int32),
    iscsiInterface: f(4, T.string, { default: 'default' }),
    fsType: f(5, T.string),
    readOnly: f(6, T.boolean),
    portals: f(7, T.list(T.string), atomic),
    chapAuthDiscovery: f(8, T.boolean),
    chapAuthSession: f(11, T.boolean),
    secretRef: f(10, coreRef('LocalObjectReference')),
    initiatorName: f(12, T.string, { pointer: true }),
  }),
  struct(core('GlusterfsVolumeSource'), {
    endpoints: f(1, T.string, required),
    path: f(2, T.string, required),
    readOnly: f(3, T.boolean),
  }),
  struct(core('PersistentVolumeClaimVolumeSource'), {
    claimName: f(1, T.string, required),
    readOnly: f(2, T.boolean),
  }),
  struct(core('RBDVolumeSource'), {
    monitors: f(1, T.list(T.string), { ...atomic, required: true }),
    image: f(2, T.string, required),
    fsType: f(3, T.string),
    pool: f(4, T.string, { default: 'rbd' }),
    user: f(5, T.string, { default: 'admin' }),
    keyring: f(6, T.string, { default: '/etc/ceph/keyring' }),
    secretRef: f(7, coreRef('LocalObjectReference')),
    readOnly: f(8, T.boolean),
  }),
  struct(core('FlexVolumeSource'), {
    driver: f(1, T.string, required),
    fsType: f(2, T.string),
    secretRef: f(3, coreRef('LocalObjectReference')),
    readOnly: f(4, T.boolean),
    options: f(5, T.stringMap),
  }),
  struct(core('CinderVolumeSource'), {
    volumeID: f(1, T.string, required),
    fsType: f(2, T.string),
    readOnly: f(3, T.boolean),
    secretRef: f(4, coreRef('LocalObjectReference')),
  }),
  struct(core('CephFSVolumeSource'), {
    monitors: f(1, T.list(T.string), { ...atomic, required: true }),
    path: f(2, T.string),
    user: f(3, T.string),
    secretFile: f(4, T.string),
    secretRef: f(5, coreRef('LocalObjectReference')),
    readOnly: f(6, T.boolean),
  }),
  struct(core('FlockerVolumeSource'), {
    datasetName: f(1, T.string),
    datasetUUID: f(2, T.string),
  }),
  struct(core('DownwardAPIVolumeSource'), {
    items: f(1, T.list(coreRef('DownwardAPIVolumeFile')), atomic),
    defaultMode: f(2, T.int32, { pointer: true, default: 420 }),
  }),
  struct(core('DownwardAPIVolumeFile'), {
    path: f(1, T.string, required),
    fieldRef: f(2, coreRef('ObjectFieldSelector')),
    resourceFieldRef: f(3, coreRef('ResourceFieldSelector')),
    mode: f(4, T.int32, { pointer: true }),
  }),
  struct(core('FCVolumeSource'), {
    targetWWNs: f(1, T.list(T.string), atomic),
    lun: f(2, T.int32, { pointer: true }),
    fsType: f(3, T.string),
    readOnly: f(4, T.boolean),
    wwids: f(5, T.list(T.string), atomic),
  }),
  struct(core('AzureFileVolumeSource'), {
    secretName: f(1, T.string, required),
    shareName: f(2, T.string, required),
    readOnly: f(3, T.boolean),
  }),
  struct(core('ConfigMapVolumeSource'), {
    name: embeddedName,
    items: keyToPathItems,
    defaultMode,
    optional: f(4, T.boolean, { pointer: true }),
  }),
  struct(core('VsphereVirtualDiskVolumeSource'), {
    volumePath: f(1, T.string, required),
    fsType: f(2, T.string),
    storagePolicyName: f(3, T.string),
    storagePolicyID: f(4, T.string),
  }),
  struct(core('QuobyteVolumeSource'), {
    registry: f(1, T.string, required),
    volume: f(2, T.string, required),
    readOnly: f(3, T.boolean),
    user: f(4, T.string),
    group: f(5, T.string),
    tenant: f(6, T.string),
  }),
  struct(core('AzureDiskVolumeSource'), {
    diskName: f(1, T.string, required),
    diskURI: f(2, T.string, required),
    cachingMode: f(3, T.enumOf('None', 'ReadOnly', 'ReadWrite'), { pointer: true, default: 'ReadWrite' }),
    fsType: f(4, T.string, { pointer: true, default: 'ext4' }),
    readOnly: f(5, T.boolean, { pointer: true, default: false }),
    kind: f(6, T.enumOf('Shared', 'Dedicated', 'Managed'), { pointer: true, default: 'Shared' }),
  }),
  struct(core('PhotonPersistentDiskVolumeSource'), {
    pdID: f(1, T.string, required),
    fsType: f(2, T.string),
  }),
  struct(core('PortworxVolumeSource'), {
    volumeID: f(1, T.string, required),
    fsType: f(2, T.string),
    readOnly: f(3, T.boolean),
  }),
  struct(core('ScaleIOVolumeSource'), {
    gateway: f(1, T.string, required),
    system: f(2, T.string, required),
    secretRef: f(3, coreRef('LocalObjectReference')),
    sslEnabled: f(4, T.boolean),
    protectionDomain: f(5, T.string),
    storagePool: f(6, T.string),
    storageMode: f(7, T.string, { default: 'ThinProvisioned' }),
    volumeName: f(8, T.string, required),
    fsType: f(9, T.string, { default: 'xfs' }),
    readOnly: f(10, T.boolean),
  }),
  struct(core('StorageOSVolumeSource'), {
    volumeName: f(1, T.string),
    volumeNamespace: f(2, T.string),
    fsType: f(3, T.string),
    readOnly: f(4, T.boolean),
    secretRef: f(5, coreRef('LocalObjectReference')),
  }),
  struct(core('CSIVolumeSource'), {
    driver: f(1, T.string, required),
    readOnly: f(2, T.boolean, { pointer: true }),
    fsType: f(3, T.string, { pointer: true }),
    volumeAttributes: f(4, T.stringMap),
    nodePublishSecretRef: f(5, coreRef('LocalObjectReference')),
  }),
  struct(core('EphemeralVolumeSource'), {
    volumeClaimTemplate: f(1, coreRef('PersistentVolumeClaimTemplate'), required),
  }),
  struct(core('ImageVolumeSource'), {
    reference: f(1, T.string),
    // Tag-dependent default, like a container's imagePullPolicy.
    pullPolicy: f(2, T.enumOf('Always', 'Never', 'IfNotPresent')),
  }),
  struct(core('KeyToPath'), {
    key: f(1, T.string, required),
    path: f(2, T.string, required),
    mode: f(3, T.int32, { pointer: true }),
  }),
  struct(core('ProjectedVolumeSource'), {
    sources: f(1, T.list(coreRef('VolumeProjection')), atomic),
    defaultMode: f(2, T.int32, { pointer: true, default: 420 }),
  }),
  struct(core('VolumeProjection'), {
    secret: f(1, coreRef('SecretProjection')),
    downwardAPI: f(2, coreRef('DownwardAPIProjection')),
    configMap: f(3, coreRef('ConfigMapProjection')),
    serviceAccountToken: f(4, coreRef('ServiceAccountTokenProjection')),
    clusterTrustBundle: f(5, coreRef('ClusterTrustBundleProjection')),
    podCertificate: f(6, coreRef('PodCertificateProjection')),
  }),
  struct(core('SecretProjection'), {
    name: embeddedName,
    items: keyToPathItems,
    optional: f(4, T.boolean, { pointer: true }),
  }),
  struct(core('ConfigMapProjection'), {
    name: embeddedName,
    items: keyToPathItems,
    optional: f(4, T.boolean, { pointer: true }),
  }),
  struct(core('DownwardAPIProjection'), {
    items: f(1, T.list(coreRef('DownwardAPIVolumeFile')), atomic),
  }),
  struct(core('ServiceAccountTokenProjection'), {
    audience: f(1, T.string),
    expirationSeconds: f(2, T.int64, { pointer: true, default: 3600 }),
    path: f(3, T.string, required),
  }),
  struct(core('ClusterTrustBundleProjection'), {
    name: f(1, T.string, { pointer: true }),
    signerName: f(2, T.string, { pointer: true }),
    labelSelector: f(3, T.ref(`${META}.LabelSelector`)),
    optional: f(5, T.boolean, { pointer: true }),
    path: f(4, T.string, required),
  }),
  struct(core('PodCertificateProjection'), {
    signerName: f(1, T.string, required),
    keyType: f(2, T.enumOf('RSA3072', 'RSA4096', 'ECDSAP256', 'ECDSAP384', 'ECDSAP521', 'ED25519'), required),
    maxExpirationSeconds: f(3, T.int32, { pointer: true }),
    credentialBundlePath: f(4, T.string),
    keyPath: f(5, T.string),
    certificateChainPath: f(6, T.string),
    userAnnotations: f(7, T.stringMap),
  }),
  struct(core('PersistentVolumeClaimTemplate'), {
    metadata: f(1, T.ref(`${META}.ObjectMeta`)),
    spec: f(2, coreRef('PersistentVolumeClaimSpec'), required),
  }),
  struct(core('PersistentVolumeClaimSpec'), {
    accessModes: f(1, T.list(T.enumOf('ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod')), atomic),
    selector: f(4, T.ref(`${META}.LabelSelector`)),
    resources: f(2, coreRef('VolumeResourceRequirements')),
    volumeName: f(3, T.string),
    storageClassName: f(5, T.string, { pointer: true }),
    volumeMode: f(6, T.enumOf('Block', 'Filesystem'), { pointer: true, default: 'Filesystem' }),
    dataSource: f(7, coreRef('TypedLocalObjectReference')),
    dataSourceRef: f(8, coreRef('TypedObjectReference')),
    volumeAttributesClassName: f(9, T.string, { pointer: true }),
  }),
  struct(core('VolumeResourceRequirements'), {
    limits: f(1, T.map(T.quantity)),
    requests: f(2, T.map(T.quantity)),
  }),
  struct(core('TypedLocalObjectReference'), {
    apiGroup: f(1, T.string, { pointer: true }),
    kind: f(2, T.string, required),
    name: f(3, T.string, required),
  }),
  struct(core('TypedObjectReference'), {
    apiGroup: f(1, T.string, { pointer: true }),
    kind: f(2, T.string, required),
    name: f(3, T.string, required),
    namespace: f(4, T.string, { pointer: true }),
  }),
];
