import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError, type ApiClient } from './api';
import { JOB_TYPES, JOB_TYPE_INFO, MAX_INPUT_LENGTH, isJobType, type JobSummary, type JobType } from './types';

interface Props {
  api: ApiClient;
  onSubmitted(job: JobSummary): void;
}

export function SubmitForm({ api, onSubmitted }: Props) {
  const [type, setType] = useState<JobType>('wordcount');
  const [input, setInput] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [accepted, setAccepted] = useState<string | null>(null);
  const typeRef = useRef<HTMLSelectElement>(null);
  const inputRef = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const ids = { type: useId(), input: useId(), hint: useId(), counter: useId(), error: useId() };
  const info = JOB_TYPE_INFO[type];

  const errorField = error?.field === 'type' ? 'type' : error?.field === 'input' ? 'input' : undefined;

  // Move focus to the field the api complained about (or to the message), so keyboard
  // and screen-reader users land on what needs fixing.
  useEffect(() => {
    if (!error) return;
    if (errorField === 'type') typeRef.current?.focus();
    else if (errorField === 'input') inputRef.current?.focus();
    else errorRef.current?.focus();
  }, [error, errorField]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    setSubmitting(true);
    setError(null);
    setAccepted(null);
    try {
      const job = await api.createJob({ type, input });
      setAccepted(job.id);
      onSubmitted(job);
    } catch (err) {
      setError(
        err instanceof ApiError
          ? err
          : new ApiError({ status: 0, code: 'network_error', message: err instanceof Error ? err.message : String(err) }),
      );
    } finally {
      setSubmitting(false);
    }
  }

  const describedBy = (field: 'type' | 'input', ...extra: string[]) =>
    [...extra, errorField === field ? ids.error : undefined].filter(Boolean).join(' ') || undefined;

  const inputProps = {
    id: ids.input,
    name: 'input',
    value: input,
    required: true,
    maxLength: MAX_INPUT_LENGTH,
    placeholder: info.placeholder,
    'aria-invalid': errorField === 'input' ? true : undefined,
    'aria-describedby': describedBy('input', ids.hint, ...(type === 'sleep' ? [] : [ids.counter])),
    className: errorField === 'input' ? 'field-invalid' : undefined,
  } as const;

  return (
    <section className="card" aria-labelledby="submit-heading">
      <h2 id="submit-heading">Submit a job</h2>
      <form onSubmit={submit} aria-describedby={error ? ids.error : undefined}>
        <div className="field">
          <label htmlFor={ids.type}>Job type</label>
          <select
            id={ids.type}
            name="type"
            ref={typeRef}
            value={type}
            aria-invalid={errorField === 'type' ? true : undefined}
            aria-describedby={describedBy('type')}
            className={errorField === 'type' ? 'field-invalid' : undefined}
            onChange={(e) => {
              if (isJobType(e.target.value)) setType(e.target.value);
              setError(null);
            }}
          >
            {JOB_TYPES.map((t) => (
              <option key={t} value={t}>
                {JOB_TYPE_INFO[t].label}
              </option>
            ))}
          </select>
        </div>

        <div className="field">
          <label htmlFor={ids.input}>{info.inputLabel}</label>
          {type === 'sleep' ? (
            <input {...inputProps} ref={inputRef} type="text" inputMode="numeric" autoComplete="off" onChange={(e) => setInput(e.target.value)} />
          ) : (
            <textarea {...inputProps} ref={inputRef} rows={5} spellCheck={false} onChange={(e) => setInput(e.target.value)} />
          )}
          <div className="field-meta">
            <p id={ids.hint} className="hint">
              {info.hint}
            </p>
            {type !== 'sleep' && (
              <p id={ids.counter} className="counter">
                {input.length.toLocaleString('en-US')} / {MAX_INPUT_LENGTH.toLocaleString('en-US')} characters
              </p>
            )}
          </div>
        </div>

        {error && (
          <div id={ids.error} ref={errorRef} className="alert alert-error" role="alert" tabIndex={-1}>
            <p className="alert-title">
              {error.code === 'validation_failed' ? 'The api rejected the job' : 'The job could not be submitted'}
            </p>
            <p className="alert-body">
              {error.fieldLabel && <strong>{error.fieldLabel}: </strong>}
              {error.message}
            </p>
            {error.correlationId && <p className="alert-meta">Reference: {error.correlationId}</p>}
          </div>
        )}

        <div className="actions">
          <button type="submit" className="button-primary" disabled={submitting} aria-busy={submitting || undefined}>
            {submitting ? 'Submitting…' : 'Submit job'}
          </button>
          {accepted && !error && (
            <p className="accepted" role="status">
              Job accepted.
            </p>
          )}
        </div>
      </form>
    </section>
  );
}
