import { activeJobIds, initialJobsState, isNewer, jobsReducer, type JobsState } from '../src/jobsState';
import type { Job, JobStatus } from '../src/types';

const ID = '3f1c9a52-7d0e-4b8e-9c1a-2b6f0d4e8a11';
const OTHER = 'a0b1c2d3-0000-4000-8000-000000000002';
const T0 = '2026-01-01T00:00:00.000Z';

function job(status: JobStatus, updatedAt: string, extra: Partial<Job> = {}): Job {
  return { id: ID, type: 'wordcount', input: 'a b c', status, result: null, error: null, attempts: 1, createdAt: T0, updatedAt, ...extra };
}

const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString();

function submitted(id = ID): JobsState {
  return jobsReducer(initialJobsState, { type: 'submitted', job: { id, type: 'wordcount', status: 'queued', createdAt: T0 } });
}

describe('jobs reducer', () => {
  test('a submitted job is listed newest first, queued, waiting for its subscription', () => {
    let state = submitted(ID);
    state = jobsReducer(state, { type: 'submitted', job: { id: OTHER, type: 'sha256', status: 'queued', createdAt: at(1) } });
    expect(state.order).toEqual([OTHER, ID]);
    expect(state.byId[ID]).toMatchObject({ subscription: 'pending', transitions: [{ status: 'queued', at: T0 }] });
    // the same 202 again changes nothing
    expect(jobsReducer(state, { type: 'submitted', job: { id: ID, type: 'wordcount', status: 'queued', createdAt: T0 } })).toBe(state);
  });

  test('status events move the job queued -> running -> succeeded and record each transition', () => {
    let state = submitted();
    state = jobsReducer(state, { type: 'update', job: job('running', at(1)) });
    state = jobsReducer(state, { type: 'update', job: job('succeeded', at(2), { result: { words: 3 } }) });
    const entry = state.byId[ID];
    expect(entry.job).toMatchObject({ status: 'succeeded', result: { words: 3 }, input: 'a b c' });
    expect(entry.transitions.map((t) => t.status)).toEqual(['queued', 'running', 'succeeded']);
    expect(entry.transitions.map((t) => t.at)).toEqual([T0, at(1), at(2)]);
    expect(activeJobIds(state)).toEqual([]);
  });

  test('late and duplicate events never move a job backwards (at-least-once delivery)', () => {
    let state = submitted();
    state = jobsReducer(state, { type: 'update', job: job('succeeded', at(3), { result: { words: 3 } }) });
    const done = state;
    // the subscribe ack carried an older snapshot; a duplicate running event arrives late
    expect(jobsReducer(done, { type: 'update', job: job('queued', T0) })).toBe(done);
    expect(jobsReducer(done, { type: 'update', job: job('running', at(1)) })).toBe(done);
    // even a non-terminal event with a later clock cannot reopen a finished job
    expect(jobsReducer(done, { type: 'update', job: job('running', at(9)) })).toBe(done);
    // the same terminal event twice leaves one transition
    const again = jobsReducer(done, { type: 'update', job: job('succeeded', at(3), { result: { words: 3 } }) });
    expect(again.byId[ID].transitions.map((t) => t.status)).toEqual(['queued', 'succeeded']);
  });

  test('a retried job (running again with a later attempt) is updated without a duplicate transition', () => {
    let state = submitted();
    state = jobsReducer(state, { type: 'update', job: job('running', at(1), { attempts: 1 }) });
    state = jobsReducer(state, { type: 'update', job: job('running', at(5), { attempts: 2 }) });
    expect(state.byId[ID].job.attempts).toBe(2);
    expect(state.byId[ID].transitions.map((t) => t.status)).toEqual(['queued', 'running']);
    expect(activeJobIds(state)).toEqual([ID]);
  });

  test('failed jobs keep their error', () => {
    let state = submitted();
    state = jobsReducer(state, { type: 'update', job: job('failed', at(2), { error: 'input too large', attempts: 3 }) });
    expect(state.byId[ID].job).toMatchObject({ status: 'failed', error: 'input too large', attempts: 3 });
  });

  test('events for jobs this page did not submit are ignored', () => {
    const state = submitted();
    expect(jobsReducer(state, { type: 'update', job: job('running', at(1), { id: OTHER }) })).toBe(state);
    expect(jobsReducer(state, { type: 'subscription', id: OTHER, state: 'live' })).toBe(state);
  });

  test('subscription state and error are tracked per job', () => {
    let state = submitted();
    state = jobsReducer(state, { type: 'subscription', id: ID, state: 'failed', error: 'operation has timed out' });
    expect(state.byId[ID]).toMatchObject({ subscription: 'failed', subscriptionError: 'operation has timed out' });
    state = jobsReducer(state, { type: 'subscription', id: ID, state: 'live' });
    expect(state.byId[ID].subscription).toBe('live');
    expect(state.byId[ID].subscriptionError).toBeUndefined();
    expect(jobsReducer(state, { type: 'subscription', id: ID, state: 'live' })).toBe(state);
  });
});

describe('isNewer', () => {
  test('at the same updatedAt the further status wins', () => {
    expect(isNewer(job('queued', T0), job('running', T0))).toBe(true);
    expect(isNewer(job('running', T0), job('queued', T0))).toBe(false);
    expect(isNewer(job('running', T0), job('running', T0))).toBe(true);
  });

  test('a summary without updatedAt compares by createdAt', () => {
    expect(isNewer({ id: ID, type: 'sleep', status: 'queued', createdAt: T0 }, job('running', at(1)))).toBe(true);
  });
});
