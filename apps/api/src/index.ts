export { SERVICE, startApi, type ApiHandle, type StartApiOptions } from './app';
