import { isTerminal, type Job, type JobStatus, type JobSummary, type KnownJob } from './types';

/** Live-update state of one job row. */
export type SubscriptionState = 'pending' | 'live' | 'failed';

export interface Transition {
  status: JobStatus;
  /** When the api says the job reached this status (its updatedAt / createdAt). */
  at: string;
}

export interface JobEntry {
  job: KnownJob;
  /** Statuses in the order this page saw them (a fast job may skip straight from queued to succeeded). */
  transitions: Transition[];
  subscription: SubscriptionState;
  subscriptionError?: string;
}

export interface JobsState {
  /** Newest first. */
  order: string[];
  byId: Record<string, JobEntry>;
}

export type JobsAction =
  | { type: 'submitted'; job: JobSummary }
  | { type: 'update'; job: Job }
  | { type: 'subscription'; id: string; state: SubscriptionState; error?: string };

export const initialJobsState: JobsState = { order: [], byId: {} };

const RANK: Record<JobStatus, number> = { queued: 0, running: 1, succeeded: 2, failed: 2 };

function updatedAtOf(job: KnownJob): number {
  const t = Date.parse(job.updatedAt ?? job.createdAt);
  return Number.isNaN(t) ? 0 : t;
}

/**
 * Whether `incoming` is newer than `current`. Events are delivered at least
 * once and may arrive out of order (socket event vs. subscribe ack vs. GET), so:
 * a finished job never goes back, an older updatedAt never wins, and at the same
 * updatedAt the further status wins.
 */
export function isNewer(current: KnownJob, incoming: KnownJob): boolean {
  if (isTerminal(current.status) && !isTerminal(incoming.status)) return false;
  const a = updatedAtOf(current);
  const b = updatedAtOf(incoming);
  if (b !== a) return b > a;
  return RANK[incoming.status] >= RANK[current.status];
}

function withTransition(transitions: Transition[], job: KnownJob): Transition[] {
  const last = transitions[transitions.length - 1];
  if (last && last.status === job.status) return transitions;
  return [...transitions, { status: job.status, at: job.updatedAt ?? job.createdAt }];
}

export function jobsReducer(state: JobsState, action: JobsAction): JobsState {
  switch (action.type) {
    case 'submitted': {
      const { job } = action;
      // A repeated submission result never carries news: the entry already has it or something newer.
      if (state.byId[job.id]) return state;
      return {
        order: [job.id, ...state.order],
        byId: {
          ...state.byId,
          [job.id]: { job, transitions: withTransition([], job), subscription: 'pending' },
        },
      };
    }
    case 'update': {
      const existing = state.byId[action.job.id];
      // Only jobs submitted from this page are shown; anything else is ignored.
      if (!existing) return state;
      if (!isNewer(existing.job, action.job)) return state;
      const job: KnownJob = { ...existing.job, ...action.job };
      return {
        ...state,
        byId: { ...state.byId, [job.id]: { ...existing, job, transitions: withTransition(existing.transitions, job) } },
      };
    }
    case 'subscription': {
      const existing = state.byId[action.id];
      if (!existing) return state;
      if (existing.subscription === action.state && existing.subscriptionError === action.error) return state;
      const entry: JobEntry = { ...existing, subscription: action.state };
      if (action.error) entry.subscriptionError = action.error;
      else delete entry.subscriptionError;
      return { ...state, byId: { ...state.byId, [action.id]: entry } };
    }
  }
}

/** Ids of jobs that still expect status changes. */
export function activeJobIds(state: JobsState): string[] {
  return state.order.filter((id) => {
    const entry = state.byId[id];
    return entry !== undefined && !isTerminal(entry.job.status);
  });
}
