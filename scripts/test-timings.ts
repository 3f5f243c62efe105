/**
 * Start-up timings of the expensive things tests start (servers, helm, Pulumi
 * program runs), for `npm run test:profile`. One implementation serves both
 * workspaces: the apps cannot import the root, so it lives in
 * apps/common/test-support/timings.ts and the root re-exports it.
 */
export * from '../apps/common/test-support/timings';
