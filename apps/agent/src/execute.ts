/** What each job type does. Pure functions of the input, so reprocessing a job gives the same result. */
import { createHash } from 'node:crypto';
import { sleep, type JobType } from '@aks-platform/common';

export class JobInputError extends Error {}

export async function executeJob(type: JobType, input: string, signal: AbortSignal): Promise<unknown> {
  switch (type) {
    case 'wordcount': {
      const words = input.trim() === '' ? 0 : input.trim().split(/\s+/u).length;
      return { words, lines: input.split(/\r\n|\r|\n/u).length, characters: [...input].length };
    }
    case 'sha256':
      return { sha256: createHash('sha256').update(input, 'utf8').digest('hex') };
    case 'sleep': {
      const ms = Number(input);
      if (!Number.isInteger(ms) || ms < 1 || ms > 60000) throw new JobInputError('sleep input must be 1..60000 ms');
      await sleep(ms, signal);
      return { sleptMs: ms };
    }
    default:
      throw new JobInputError(`unknown job type ${String(type)}`);
  }
}
