/**
 * VM sizes as data (the sizes the stacks and the docs use) and AKS's OS disk
 * rules: the default OS disk size by vCPU count, and whether an ephemeral OS
 * disk fits the VM's local (cache or temp) disk. A pool whose ephemeral OS
 * disk does not fit fails at create with `VMCacheSizeTooSmall` (Azure/AKS#2672);
 * this rule refuses it before anything is registered.
 */

/** One VM size. Disk sizes in GiB; 0 means the size has no such disk. */
export interface VmSize {
  /** vCPUs. */
  vcpus: number;
  /** Memory, GiB. */
  memoryGib: number;
  /** Temp (resource) disk, GiB; 0 = none. */
  tempDiskGib: number;
  /** Cache disk usable for an ephemeral OS disk, GiB; 0 = none listed. */
  cacheDiskGib: number;
  /** Whether the size takes an ephemeral OS disk at all (it needs a local disk). */
  ephemeralOsDisk: boolean;
  /** Where the figures come from. */
  source: string;
}

/** When the table was checked. */
export const VM_SIZES_CHECKED = '2026-12-01';

const LEARN = 'Microsoft Learn, virtual-machines/sizes';
const DDSV5 = `${LEARN}/general-purpose/ddsv5-series`;
const EDSV5 = `${LEARN}/memory-optimized/edsv5-series`;
const FSV2 = `${LEARN}/compute-optimized/fsv2-series`;
const DSV5 = `${LEARN}/general-purpose/dsv5-series`;
const DSV2 = `${LEARN}/general-purpose/dsv2-series`;
const V6 = `${LEARN} (Easv6, Fasv6, Falsv6: no local disk)`;

/**
 * The sizes in use (stacks, docs, tests), checked {@link VM_SIZES_CHECKED}.
 * Local disks cross-checked with /work/shared/reference/azure-facts.md
 * ("Local disks of the sizes in use", from azure-aks-docs concepts-storage.md and the size pages).
 */
export const VM_SIZES: Readonly<Record<string, VmSize>> = {
  Standard_D2ds_v5: { vcpus: 2, memoryGib: 8, tempDiskGib: 75, cacheDiskGib: 0, ephemeralOsDisk: true, source: DDSV5 },
  Standard_D4ds_v5: { vcpus: 4, memoryGib: 16, tempDiskGib: 150, cacheDiskGib: 0, ephemeralOsDisk: true, source: DDSV5 },
  Standard_E2ds_v5: { vcpus: 2, memoryGib: 16, tempDiskGib: 75, cacheDiskGib: 0, ephemeralOsDisk: true, source: EDSV5 },
  Standard_E4ds_v5: { vcpus: 4, memoryGib: 32, tempDiskGib: 150, cacheDiskGib: 0, ephemeralOsDisk: true, source: EDSV5 },
  Standard_E8ds_v5: { vcpus: 8, memoryGib: 64, tempDiskGib: 300, cacheDiskGib: 0, ephemeralOsDisk: true, source: EDSV5 },
  Standard_F2s_v2: { vcpus: 2, memoryGib: 4, tempDiskGib: 16, cacheDiskGib: 32, ephemeralOsDisk: true, source: FSV2 },
  Standard_F8s_v2: { vcpus: 8, memoryGib: 16, tempDiskGib: 64, cacheDiskGib: 128, ephemeralOsDisk: true, source: FSV2 },
  Standard_DS3_v2: { vcpus: 4, memoryGib: 14, tempDiskGib: 28, cacheDiskGib: 172, ephemeralOsDisk: true, source: DSV2 },
  Standard_D4s_v5: { vcpus: 4, memoryGib: 16, tempDiskGib: 0, cacheDiskGib: 0, ephemeralOsDisk: false, source: DSV5 },
  Standard_E8as_v6: { vcpus: 8, memoryGib: 64, tempDiskGib: 0, cacheDiskGib: 0, ephemeralOsDisk: false, source: V6 },
  Standard_F8as_v6: { vcpus: 8, memoryGib: 32, tempDiskGib: 0, cacheDiskGib: 0, ephemeralOsDisk: false, source: V6 },
  Standard_F16als_v6: { vcpus: 16, memoryGib: 32, tempDiskGib: 0, cacheDiskGib: 0, ephemeralOsDisk: false, source: V6 },
};

/** Source of the default OS disk rule. */
export const DEFAULT_OS_DISK_SOURCE = 'azure-aks-docs articles/aks/concepts-storage.md (ephemeral OS disk: default OS disk size by vCPU count), checked 2026-12-01';

/**
 * AKS's default OS disk size when `osDiskSizeGB` is not set: 128 GiB for
 * 1–7 vCPUs, 256 for 8–15, 512 for 16–63, 1,024 for 64 or more.
 */
export function defaultOsDiskSizeGib(vcpus: number): number {
  if (vcpus >= 64) return 1024;
  if (vcpus >= 16) return 512;
  if (vcpus >= 8) return 256;
  return 128;
}

/** The largest ephemeral OS disk a size holds: its cache or its temp disk, whichever is larger. */
export function maxEphemeralOsDiskGib(size: VmSize): number {
  return size.ephemeralOsDisk ? Math.max(size.cacheDiskGib, size.tempDiskGib) : 0;
}

/** The outcome of the OS disk rule for one pool. */
export interface OsDiskFit {
  /** Refused: which field (`osDiskType` or `osDiskSizeGb`) and why, naming the values and what is allowed. */
  problem?: { field: 'osDiskType' | 'osDiskSizeGb'; message: string };
  /** Accepted but unchecked (a size not in the table). */
  warning?: string;
}

/**
 * Whether a pool's OS disk works on its VM size. Only Ephemeral disks are
 * constrained: the disk (`osDiskSizeGb`, else AKS's default for the vCPU
 * count) must fit the cache or temp disk. A size missing from {@link VM_SIZES}
 * is a warning, never a failure.
 */
export function osDiskFit(pool: { vmSize: string; osDiskType?: string; osDiskSizeGb?: number }): OsDiskFit {
  if (pool.osDiskType !== 'Ephemeral') return {};
  const size = VM_SIZES[pool.vmSize];
  if (!size) {
    return { warning: `${pool.vmSize} is not in the VM size table (lib/vm-sizes.ts), so whether its ephemeral OS disk fits is not checked; add the size with its cache and temp disk` };
  }
  if (!size.ephemeralOsDisk) {
    return { problem: { field: 'osDiskType', message: `"Ephemeral" needs a VM size with a local disk; ${pool.vmSize} has none (use a size with "d" such as Standard_D4ds_v5, or osDiskType Managed)` } };
  }
  const max = maxEphemeralOsDiskGib(size);
  const requested = pool.osDiskSizeGb ?? defaultOsDiskSizeGib(size.vcpus);
  if (requested <= max) return {};
  const room = `${pool.vmSize} holds at most ${max} GiB (cache ${size.cacheDiskGib || 'none'}, temp ${size.tempDiskGib || 'none'})`;
  const message =
    pool.osDiskSizeGb === undefined
      ? `not set, so AKS uses its default of ${requested} GiB for ${size.vcpus} vCPUs, which does not fit an ephemeral OS disk: ${room}; allowed: 30–${max} GiB, or osDiskType Managed`
      : `${requested} GiB does not fit an ephemeral OS disk: ${room}; allowed: 30–${max} GiB, or osDiskType Managed`;
  return { problem: { field: 'osDiskSizeGb', message } };
}
