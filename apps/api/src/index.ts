export { READ_ONLY_RETRY_AFTER_S, SERVICE, startApi, type ApiHandle, type StartApiOptions } from './app';
