import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { createApiClient } from './api';
import type { AuthSession } from './auth';
import { connectJobFeed, type ConnectionState, type JobFeed } from './realtime';
import { activeJobIds, initialJobsState, jobsReducer, type JobsState } from './jobsState';
import { JOB_TYPE_INFO, type JobStatus, type JobSummary } from './types';
import { shortId } from './format';
import { SubmitForm } from './SubmitForm';
import { JobList } from './JobList';
import { Brand } from './Brand';

/** While live updates are down (or a subscription failed), unfinished jobs are polled this often. */
const POLL_INTERVAL_MS = 3_000;

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
};

const STATUS_TEXT: Record<JobStatus, string> = {
  queued: 'is queued',
  running: 'is running',
  succeeded: 'succeeded',
  failed: 'failed',
};

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export interface AppProps {
  /** The signed-in session; undefined when the deployment runs without sign-in. */
  session?: AuthSession;
}

export function App({ session }: AppProps = {}) {
  const getToken = session?.getToken;
  const api = useMemo(() => createApiClient({ getToken }), [getToken]);
  const [state, dispatch] = useReducer(jobsReducer, initialJobsState);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [announcement, setAnnouncement] = useState('');
  const feedRef = useRef<JobFeed | null>(null);
  const stateRef = useRef<JobsState>(state);
  stateRef.current = state;

  const subscribe = useCallback(
    async (id: string) => {
      const feed = feedRef.current;
      if (!feed) return;
      try {
        const job = await feed.subscribe(id);
        dispatch({ type: 'update', job });
        dispatch({ type: 'subscription', id, state: 'live' });
      } catch (err) {
        dispatch({ type: 'subscription', id, state: 'failed', error: errorText(err) });
      }
    },
    [dispatch],
  );

  // One Socket.IO connection for the page; on every (re)connect, re-join the rooms of
  // unfinished jobs so that changes missed while disconnected are caught up from the ack.
  useEffect(() => {
    const feed = connectJobFeed({
      getToken,
      onStatus: (job) => dispatch({ type: 'update', job }),
      onConnection: (next) => {
        setConnection(next);
        if (next !== 'connected') return;
        const current = stateRef.current;
        for (const id of activeJobIds(current)) {
          if (current.byId[id]?.subscription !== 'pending') void subscribe(id);
        }
      },
    });
    feedRef.current = feed;
    return () => {
      feedRef.current = null;
      feed.close();
    };
  }, [subscribe, getToken]);

  // Fallback: poll unfinished jobs while live updates are unavailable.
  useEffect(() => {
    const timer = setInterval(() => {
      const current = stateRef.current;
      for (const id of activeJobIds(current)) {
        const entry = current.byId[id];
        if (connection === 'connected' && entry?.subscription !== 'failed') continue;
        api.getJob(id).then(
          (job) => dispatch({ type: 'update', job }),
          () => undefined, // the next tick tries again; the row already says updates are not live
        );
      }
    }, POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [api, connection]);

  // Announce each status change once to screen readers (the list itself is not a live region).
  const announced = useRef(new Map<string, JobStatus>());
  useEffect(() => {
    const messages: string[] = [];
    for (const id of state.order) {
      const entry = state.byId[id];
      if (!entry) continue;
      const previous = announced.current.get(id);
      if (previous === entry.job.status) continue;
      announced.current.set(id, entry.job.status);
      messages.push(`${JOB_TYPE_INFO[entry.job.type].label} job ${shortId(id)} ${STATUS_TEXT[entry.job.status]}.`);
    }
    if (messages.length > 0) setAnnouncement(messages.join(' '));
  }, [state]);

  const submitted = useCallback(
    (job: JobSummary) => {
      dispatch({ type: 'submitted', job });
      void subscribe(job.id);
    },
    [subscribe],
  );

  return (
    <div className="app">
      <header className="app-header">
        <Brand />
        <div className="header-meta">
          <p className={`connection connection-${connection}`} role="status">
            <span className="connection-dot" aria-hidden="true" />
            <span className="visually-hidden">Live updates: </span>
            {CONNECTION_TEXT[connection]}
          </p>
          {session && (
            <p className="account">
              <span>{session.userName}</span>
              <button type="button" className="button-link" onClick={() => void session.signOut()}>
                Sign out
              </button>
            </p>
          )}
        </div>
      </header>

      <main className="layout">
        <SubmitForm api={api} onSubmitted={submitted} />
        <JobList state={state} live={connection === 'connected'} />
      </main>

      <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">
        {announcement}
      </div>
    </div>
  );
}
