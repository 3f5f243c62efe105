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
export * from './app-registrations';
export * from './aks-cluster';
export * from './operations-runner';
export * from './platform';
export * from './managed-prometheus';
export * from './managed-grafana';
export * from './prometheus-alerts';
export * from './platform-guardrails';
