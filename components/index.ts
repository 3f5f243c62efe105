// The aks-platform component library. One ComponentResource per file.
export * from './private-link';
export * from './network';
export * from './postgres-database';
