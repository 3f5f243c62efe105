/**
 * Stack variants the tests and the offline plan run: a committed stack file plus config
 * overrides (offline/run-stack.ts `overrides`), so a variant follows its base stack.
 */

/**
 * prod in two regions: West Europe (the stack's location, primary, Front Door's active region)
 * and North Europe (its pair, standby), each a full regional stamp. The standby's VNet is
 * disjoint from the primary's 10.20.0.0/16. Redis Balanced_B3 gets active geo-replication, which
 * keeps no persistence. The same block, as YAML, is in README.md ("Two regions").
 */
export const PROD_TWO_REGIONS: Record<string, unknown> = {
  'aks-platform:regions': [
    { location: 'westeurope', role: 'primary' },
    {
      location: 'northeurope',
      role: 'standby',
      network: {
        vnetCidr: '10.21.0.0/16',
        subnets: { nodes: '10.21.0.0/22', privateEndpoints: '10.21.4.0/24', operations: '10.21.5.0/27' },
        egressFirewall: { enabled: true, sku: 'Standard', subnet: '10.21.6.0/26' },
      },
    },
  ],
  'aks-platform:activeRegion': 'westeurope',
  'aks-platform:redis.persistence': 'None',
};

/**
 * A stack as the deploy workflow runs it: `.github/workflows/deploy.yml` pushes the images the
 * `images` job built and scanned, then sets `aks-platform:apps.imageDigests.<app>` for every app,
 * so `pulumi up` builds nothing (AppImage `prebuiltDigest`). The digests are placeholders.
 */
export const CI_IMAGE_DIGESTS: Record<string, unknown> = {
  'aks-platform:apps.imageDigests': {
    api: `sha256:${'a'.repeat(64)}`,
    agent: `sha256:${'b'.repeat(64)}`,
    frontend: `sha256:${'c'.repeat(64)}`,
  },
};
