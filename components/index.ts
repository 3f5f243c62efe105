// The aks-platform component library. One ComponentResource per file.
export * from './private-link';
export * from './network';
export * from './app-image';
export * from './helm-app';
export * from './postgres-database';
export * from './container-registry';
export * from './redis-cache';
export * from './workload-identity';
export * from './key-vault';
export * from './aks-cluster';
export * from './platform';
export * from './local-data-store';
export * from './local-image';
export * from './local-platform';
