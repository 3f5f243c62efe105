import { VM_SIZES, defaultOsDiskSizeGib, maxEphemeralOsDiskGib, osDiskFit } from '../lib/vm-sizes';
import { readStackConfig } from '../offline/stack-config';
import { stackConfigFromPulumiConfig } from '../config/validate';

describe('AKS default OS disk size by vCPU count', () => {
  it.each([
    [1, 128], [2, 128], [7, 128], [8, 256], [15, 256], [16, 512], [63, 512], [64, 1024], [96, 1024],
  ])('%i vCPUs → %i GiB', (vcpus, gib) => expect(defaultOsDiskSizeGib(vcpus)).toBe(gib));
});

describe('the VM size table', () => {
  it('records every size with its source, and only sizes with a local disk take an ephemeral OS disk', () => {
    for (const [name, size] of Object.entries(VM_SIZES)) {
      expect({ name, source: size.source.length > 10 }).toEqual({ name, source: true });
      expect({ name, ephemeral: size.ephemeralOsDisk }).toEqual({ name, ephemeral: size.tempDiskGib + size.cacheDiskGib > 0 });
    }
  });

  it.each([
    ['Standard_D2ds_v5', 75],
    ['Standard_E2ds_v5', 75],
    ['Standard_D4ds_v5', 150],
    ['Standard_F2s_v2', 32],
    ['Standard_F8s_v2', 128],
    ['Standard_D4s_v5', 0],
  ])('%s holds an ephemeral OS disk of at most %i GiB', (name, gib) => expect(maxEphemeralOsDiskGib(VM_SIZES[name])).toBe(gib));

  it('covers every pool VM size of both stacks', () => {
    for (const stack of ['dev', 'prod']) {
      const cfg = stackConfigFromPulumiConfig(readStackConfig(stack).values);
      for (const pool of [cfg.cluster.systemPool, ...cfg.cluster.userPools]) expect({ stack, size: pool.vmSize, known: pool.vmSize in VM_SIZES }).toEqual({ stack, size: pool.vmSize, known: true });
    }
  });
});

describe('osDiskFit', () => {
  it.each([
    // vmSize, osDiskType, osDiskSizeGb, field of the problem | 'warning' | undefined
    ['Standard_D2ds_v5', 'Ephemeral', undefined, 'osDiskSizeGb'], // default 128 > 75 (dev before the fix)
    ['Standard_E2ds_v5', 'Ephemeral', undefined, 'osDiskSizeGb'],
    ['Standard_F8s_v2', 'Ephemeral', undefined, 'osDiskSizeGb'], // default 256 > 128 (prod before the fix)
    ['Standard_D2ds_v5', 'Ephemeral', 64, undefined],
    ['Standard_D2ds_v5', 'Ephemeral', 75, undefined],
    ['Standard_D2ds_v5', 'Ephemeral', 76, 'osDiskSizeGb'],
    ['Standard_F8s_v2', 'Ephemeral', 128, undefined],
    ['Standard_D4ds_v5', 'Ephemeral', undefined, undefined], // default 128 ≤ 150
    ['Standard_E8ds_v5', 'Ephemeral', undefined, undefined], // default 256 ≤ 300
    ['Standard_D4s_v5', 'Ephemeral', 64, 'osDiskType'],
    ['Standard_D4s_v5', 'Managed', undefined, undefined],
    ['Standard_F8s_v2', 'Managed', undefined, undefined],
    ['Standard_L8s_v3', 'Ephemeral', undefined, 'warning'],
    ['Standard_L8s_v3', 'Managed', undefined, undefined],
  ])('%s %s %s → %s', (vmSize, osDiskType, osDiskSizeGb, expected) => {
    const fit = osDiskFit({ vmSize, osDiskType, osDiskSizeGb });
    if (expected === undefined) expect(fit).toEqual({});
    else if (expected === 'warning') expect(fit.warning).toContain('Standard_L8s_v3 is not in the VM size table');
    else expect(fit.problem?.field).toBe(expected);
  });

  it('names the size, the requested disk and what fits', () => {
    expect(osDiskFit({ vmSize: 'Standard_F8s_v2', osDiskType: 'Ephemeral' }).problem?.message).toBe(
      'not set, so AKS uses its default of 256 GiB for 8 vCPUs, which does not fit an ephemeral OS disk: Standard_F8s_v2 holds at most 128 GiB (cache 128, temp 64); allowed: 30–128 GiB, or osDiskType Managed',
    );
    expect(osDiskFit({ vmSize: 'Standard_D2ds_v5', osDiskType: 'Ephemeral', osDiskSizeGb: 100 }).problem?.message).toBe(
      '100 GiB does not fit an ephemeral OS disk: Standard_D2ds_v5 holds at most 75 GiB (cache none, temp 75); allowed: 30–75 GiB, or osDiskType Managed',
    );
  });
});
