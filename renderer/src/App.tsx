import { useEffect, useState } from 'react';
import type { CommandOutput } from '../../shared/contract';

type AppInfoState =
  | { status: 'loading' }
  | { status: 'ready'; info: CommandOutput<'app.info'> }
  | { status: 'failed'; message: string }
  | { status: 'no-api' };

/** Placeholder page: proves the renderer → preload → main round trip. The real UI replaces it. */
export function App() {
  const [state, setState] = useState<AppInfoState>(() => (window.api ? { status: 'loading' } : { status: 'no-api' }));

  useEffect(() => {
    const api = window.api;
    if (!api) return;
    let live = true;
    api
      .invoke('app.info', {})
      .then((result) => {
        if (!live) return;
        setState(result.ok ? { status: 'ready', info: result.value } : { status: 'failed', message: result.error.message });
      })
      .catch((error: unknown) => {
        if (live) setState({ status: 'failed', message: error instanceof Error ? error.message : String(error) });
      });
    return () => {
      live = false;
    };
  }, []);

  return (
    <main className="placeholder" data-testid="app-root">
      <h1>CLI Council</h1>
      <p className="tagline">Many coding agents, one repository.</p>
      <p className="app-info" data-testid="app-info" aria-live="polite">
        {describe(state)}
      </p>
    </main>
  );
}

function describe(state: AppInfoState): string {
  switch (state.status) {
    case 'loading':
      return 'Connecting…';
    case 'ready':
      return `Version ${state.info.version} on ${state.info.platform}`;
    case 'failed':
      return `Could not reach the app: ${state.message}`;
    case 'no-api':
      return 'Not connected to the app (no window.api).';
  }
}
