/** jest globalTeardown of the infra project: see ./program-runs-setup.ts. */
export { globalTeardown as default } from './program-runs-setup';
