import { formatResult, formatTime, shortId } from './format';
import type { JobEntry, JobsState } from './jobsState';
import { JOB_TYPE_INFO, STATUS_LABEL, type JobStatus } from './types';

type StepState = 'done' | 'current' | 'todo' | 'failed';

/** The three steps of a job; reaching a final status implies the earlier steps happened. */
function steps(status: JobStatus): { label: string; state: StepState }[] {
  const final: JobStatus = status === 'failed' ? 'failed' : 'succeeded';
  const order: JobStatus[] = ['queued', 'running', final];
  const index = order.indexOf(status);
  return order.map((s, i) => ({
    label: STATUS_LABEL[s],
    state: i < index ? 'done' : i === index ? (s === 'failed' ? 'failed' : s === 'succeeded' ? 'done' : 'current') : 'todo',
  }));
}

function JobCard({ entry, live }: { entry: JobEntry; live: boolean }) {
  const { job } = entry;
  const info = JOB_TYPE_INFO[job.type];
  const fields = job.status === 'succeeded' ? formatResult(job.result) : [];
  const headingId = `job-${job.id}-title`;
  const updatesDown = job.status !== 'succeeded' && job.status !== 'failed' && (!live || entry.subscription === 'failed');

  return (
    <li className={`job job-${job.status}`} data-job-id={job.id} data-status={job.status} aria-labelledby={headingId}>
      <div className="job-head">
        <h3 id={headingId}>
          {info.label} <span className="job-id" title={job.id}>#{shortId(job.id)}</span>
        </h3>
        <span className={`badge badge-${job.status}`}>{STATUS_LABEL[job.status]}</span>
      </div>

      <ol className="steps" aria-label="Progress">
        {steps(job.status).map((step) => (
          <li key={step.label} className={`step step-${step.state}`} aria-current={step.state === 'current' ? 'step' : undefined}>
            <span className="step-marker" aria-hidden="true" />
            <span className="step-label">{step.label}</span>
          </li>
        ))}
      </ol>

      <p className="job-meta">
        Submitted {formatTime(job.createdAt)}
        {job.updatedAt && job.updatedAt !== job.createdAt ? ` · updated ${formatTime(job.updatedAt)}` : ''}
        {job.attempts !== undefined && job.attempts > 1 ? ` · attempt ${job.attempts}` : ''}
        <span className="visually-hidden">. Seen statuses: {entry.transitions.map((t) => STATUS_LABEL[t.status]).join(', ')}.</span>
      </p>

      {job.input !== undefined && (
        <p className="job-input">
          <span className="label">Input</span> <span className="value">{job.input.length > 120 ? `${job.input.slice(0, 120)}…` : job.input}</span>
        </p>
      )}

      {fields.length > 0 && (
        <dl className="result" aria-label="Result">
          {fields.map((f) => (
            <div key={f.label} className="result-row">
              <dt>{f.label}</dt>
              <dd>
                <code>{f.value}</code>
              </dd>
            </div>
          ))}
        </dl>
      )}

      {job.status === 'failed' && (
        <p className="job-error" role="note">
          {job.error ?? 'The job failed without an error message.'}
        </p>
      )}

      {updatesDown && (
        <p className="job-warning">
          Live updates are unavailable{entry.subscriptionError ? ` (${entry.subscriptionError})` : ''}; checking every few seconds.
        </p>
      )}
    </li>
  );
}

export function JobList({ state, live }: { state: JobsState; live: boolean }) {
  return (
    <section className="card" aria-labelledby="jobs-heading">
      <div className="card-head">
        <h2 id="jobs-heading">Jobs</h2>
        {state.order.length > 0 && <span className="count">{state.order.length}</span>}
      </div>
      {state.order.length === 0 ? (
        <p className="empty">No jobs yet. Submitted jobs appear here and update as they run.</p>
      ) : (
        <ol className="jobs">
          {state.order.map((id) => {
            const entry = state.byId[id];
            return entry ? <JobCard key={id} entry={entry} live={live} /> : null;
          })}
        </ol>
      )}
    </section>
  );
}
