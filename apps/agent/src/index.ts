export { SERVICE, startAgent, type AgentHandle, type StartAgentOptions } from './agent';
export { executeJob } from './execute';
export { Worker } from './worker';
