/** jest globalTeardown of the apps project: see ./global-setup.ts. */
export { globalTeardown as default } from './global-setup';
