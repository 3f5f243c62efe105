import { Suspense, lazy, useCallback, useEffect, useState, type ReactNode } from 'react';
import { Brand } from './Brand';
import type { Auth, AuthSession } from './auth';
import { loadRuntimeConfig } from './runtimeConfig';

type RootState =
  | { kind: 'loading' }
  | { kind: 'error'; message: string; link?: string }
  | { kind: 'signed-out'; auth: Auth }
  | { kind: 'ready'; session: AuthSession | undefined };

// The app itself (and Socket.IO) is a separate chunk: the first paint needs only this shell.
// Its download starts at once, in parallel with the config and sign-in.
const loadApp = () => import('./App');
const App = lazy(() => loadApp().then((m) => ({ default: m.App })));

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Reads the runtime configuration, signs the user in when the deployment asks for it
 * (MSAL is loaded here, after the first paint), then renders the app.
 */
/** The page header and a centred card area: what shows before the app is ready. */
function Shell({ children }: { children: ReactNode }) {
  return (
    <div className="app">
      <header className="app-header">
        <Brand />
      </header>
      <main className="gate">{children}</main>
    </div>
  );
}

const LOADING = <p role="status">Loading…</p>;

/**
 * Config, then sign-in: started once per page load, whoever asks. MSAL must have one client
 * per page and handle a redirect's answer once: React's StrictMode runs effects twice in
 * development (`npm start`), and a second client would find the code already taken and
 * report nobody signed in while the first was still redeeming it.
 */
let startup: Promise<RootState> | undefined;
function start(): Promise<RootState> {
  startup ??= (async (): Promise<RootState> => {
    const config = await loadRuntimeConfig();
    if (!config.auth) return { kind: 'ready', session: undefined };
    const { createAuth } = await import('./auth');
    const auth = await createAuth(config.auth);
    return auth.session ? { kind: 'ready', session: auth.session } : { kind: 'signed-out', auth };
  })().catch((err: unknown): RootState => ({ kind: 'error', message: errorText(err) }));
  return startup;
}

export function Root() {
  const [state, setState] = useState<RootState>({ kind: 'loading' });

  useEffect(() => {
    let cancelled = false;
    void loadApp();
    void start().then((next) => !cancelled && setState(next));
    return () => {
      cancelled = true;
    };
  }, []);

  const signIn = useCallback(() => {
    if (state.kind !== 'signed-out') return;
    state.auth
      .signIn()
      .catch((err: unknown) => setState({ kind: 'error', message: errorText(err), link: (err as { authority?: unknown }).authority as string | undefined }));
  }, [state]);

  if (state.kind === 'ready') {
    return (
      <Suspense fallback={<Shell>{LOADING}</Shell>}>
        <App session={state.session} />
      </Suspense>
    );
  }
  return (
    <Shell>
      {state.kind === 'loading' && LOADING}
      {state.kind === 'signed-out' && (
        <section className="card" aria-labelledby="sign-in-heading">
          <h2 id="sign-in-heading">Sign in</h2>
          <p>Sign in with your organisation account to submit jobs and follow your own jobs.</p>
          <button type="button" className="button-primary" onClick={signIn}>
            Sign in
          </button>
        </section>
      )}
      {state.kind === 'error' && (
        <section className="card" role="alert">
          <h2>Could not start</h2>
          <p>{state.message}</p>
          {state.link && (
            <p>
              <a href={state.link} target="_blank" rel="noreferrer">
                Open {state.link}
              </a>
            </p>
          )}
          <button type="button" className="button-primary" onClick={() => window.location.reload()}>
            Try again
          </button>
        </section>
      )}
    </Shell>
  );
}
