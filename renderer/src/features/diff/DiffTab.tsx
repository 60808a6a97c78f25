import { useEffect, useMemo, useRef, useState } from 'react';
import type { DiffView, SessionCommit } from '../../../../shared/commands/diff';
import { api, onReconnect } from '../../api';
import { addressedDiffView, sameView, showDiffView, useDiffAddress } from '../../app/diff-address';
import { keyPressOf } from '../../app/shortcuts';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useStore } from '../../lib/create-store';
import { Relative } from '../../components/TimeSince';
import { diffKeyOf } from '../../models/diff-nav';
import { viewedCount } from '../../models/diff-viewed';
import { diffMode, setDiffMode, type DiffMode } from './diff-mode-store';
import type { DiffSlots, SectionIo } from './diff-slots';
import { ReviewDiff, type ReviewDiffHandle } from './ReviewDiff';
import { createSessionDiff, type SessionDiff } from './session-diff';
import { createViewedMarks, type ViewedMarksStore } from './viewed-store';

export interface DiffTabProps extends DiffSlots {
  repo: string;
  sessionId: string;
  /** The view to open on (default: everything against the base). */
  view?: DiffView;
  /** The review's snapshot, when there is one: the view picker offers "Since the review" from it. */
  sinceFrom?: string | null;
  /** Actions for the files and hunks of the view shown (a discard fits some views only). */
  actionsFor?: (view: DiffView) => Pick<DiffSlots, 'renderFileActions' | 'renderHunkActions'>;
}

/**
 * The session's diff, live: every changed file in one scroll with the file tree, for one of its
 * views (all changes against the base, uncommitted only, one commit, or since a given commit).
 * `watch.session` on mount, `worktree.changed` while shown, `watch.stop` when it goes away.
 */
export function DiffTab({ repo, sessionId, view, sinceFrom = null, actionsFor, ...slots }: DiffTabProps) {
  const [diff, setDiff] = useState<SessionDiff | null>(null);
  const marks = useMemo(() => createViewedMarks(repo, sessionId), [repo, sessionId]);
  // Opened on the view asked for, else the one the address names (a deep link, a reload).
  const [opening] = useState(() => view ?? addressedDiffView(sessionId) ?? undefined);
  const viewKey = opening === undefined ? '' : JSON.stringify(opening);

  useEffect(() => {
    const controller = createSessionDiff(
      repo,
      sessionId,
      {
        invoke: (command, input) => api.invoke(command, input),
        setTimeout: (callback, ms) => window.setTimeout(callback, ms),
        clearTimeout: (handle) => window.clearTimeout(handle as number),
      },
      viewKey === '' ? {} : { view: JSON.parse(viewKey) as DiffView },
    );
    const offEvent = api.on('worktree.changed', controller.handleEvent);
    const offReconnect = onReconnect(() => void controller.resnapshot());
    void controller.start();
    setDiff(controller);
    return () => {
      offEvent();
      offReconnect();
      controller.stop();
    };
  }, [repo, sessionId, viewKey]);

  if (diff === null) return null;
  return <DiffPanes repo={repo} sessionId={sessionId} diff={diff} marks={marks} slots={slots} sinceFrom={sinceFrom} actionsFor={actionsFor} />;
}

function DiffPanes({
  repo,
  sessionId,
  diff,
  marks,
  slots: given,
  sinceFrom,
  actionsFor,
}: {
  repo: string;
  sessionId: string;
  diff: SessionDiff;
  marks: ViewedMarksStore;
  slots: DiffSlots;
  sinceFrom: string | null;
  actionsFor: DiffTabProps['actionsFor'];
}) {
  const state = useStore(diff.store);
  const actions = useMemo(() => actionsFor?.(state.view) ?? {}, [actionsFor, state.view]);
  const slots: DiffSlots = useMemo(() => ({ ...given, ...actions }), [given.onSelectLines, given.widgets, given.renderFileActions, given.renderHunkActions, actions]);
  const viewed = useStore(marks.store);
  const mode = useStore(diffMode);
  const handle = useRef<ReviewDiffHandle>(null);

  const io: SectionIo = useMemo(() => {
    const viewNow = () => diff.store.get().view;
    return {
      loadFile: (path) => diff.loadFile(path),
      fetchLines: async (path, side) => {
        const result = await api.invoke('diff.lines', { repo, id: sessionId, view: viewNow(), path, side });
        return result.ok ? { ok: true, lines: result.value.lines } : { ok: false, error: result.error.message };
      },
      fetchBlob: async (path, side) => {
        const result = await api.invoke('diff.blob', { repo, id: sessionId, view: viewNow(), path, side });
        return result.ok ? result.value : null;
      },
    };
  }, [diff, repo, sessionId]);

  // The address names the view (Back, Forward, a link): show it; a view picked is a new address.
  const address = useDiffAddress(sessionId);
  useEffect(() => {
    if (address !== null && !sameView(address.view, diff.store.get().view)) diff.setView(address.view);
  }, [address?.key, diff]);
  const pickView = (view: DiffView, chosen = false) => showDiffView(sessionId, view, chosen);
  // A file the address names: landed on once its section is in the diff.
  const landed = useRef<string | null>(null);
  const fileToLand = address?.file ?? null;
  useEffect(() => {
    if (fileToLand === null || state.status !== 'ready' || landed.current === address?.key) return;
    if (!state.files.some((f) => f.path === fileToLand)) return;
    landed.current = address?.key ?? null;
    handle.current?.jump(fileToLand);
  });

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // A checkbox of the diff (viewed, hide whitespace) keeps the focus after a click: not typing.
      const press = keyPressOf(event, document);
      const onToggle = event.target instanceof HTMLInputElement && event.target.type === 'checkbox';
      const key = diffKeyOf(onToggle ? { ...press, typing: false } : press);
      if (key === null || handle.current === null) return;
      event.preventDefault();
      if (key === 'next-file') handle.current.step(1);
      else if (key === 'previous-file') handle.current.step(-1);
      else if (key === 'next-hunk') handle.current.stepHunk(1);
      else if (key === 'previous-hunk') handle.current.stepHunk(-1);
      else handle.current.toggleCurrentViewed();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const count = viewedCount(viewed, state.files);
  return (
    <div className="diff-tab" data-testid="diff-tab">
      <div className="diff-toolbar">
        <ViewPicker view={state.view} onView={pickView} sinceFrom={sinceFrom} />
        <label className="diff-check">
          <input type="checkbox" data-testid="diff-ignore-whitespace" checked={state.ignoreWhitespace} onChange={(e) => diff.setIgnoreWhitespace(e.target.checked)} /> Hide whitespace
        </label>
        <span className="diff-viewed-count muted" data-testid="diff-viewed-count">
          {count} of {state.files.length} viewed
        </span>
        <ModeToggle mode={mode} />
      </div>
      {state.view.kind === 'commit' && <CommitList repo={repo} sessionId={sessionId} selected={state.view.sha ?? null} onPick={(sha, chosen) => pickView({ kind: 'commit', sha }, chosen)} />}
      {state.view.kind === 'since' && <p className="muted diff-since" data-testid="diff-since-note">
          {state.view.from === sinceFrom ? 'Changes since the review' : 'Changes since'} (<span className="mono">{state.view.from?.slice(0, 10)}</span>), up to the worktree now.
        </p>}
      {state.status === 'error' ? (
        <ErrorMessage message={`Could not read the session's changes: ${state.error}`} testId="diff-error" />
      ) : state.status === 'loading' ? (
        <p className="muted" aria-busy="true">
          Reading the worktree…
        </p>
      ) : state.files.length === 0 ? (
        <EmptyState>{emptyText(state.view)}</EmptyState>
      ) : (
        <ReviewDiff files={state.files} mode={mode} viewed={viewed} onToggleViewed={marks.toggle} io={io} handle={handle} {...slots} />
      )}
    </div>
  );
}

function emptyText(view: DiffView): string {
  switch (view.kind) {
    case 'base':
      return "No changes yet: this session's worktree is the same as where it left its base.";
    case 'uncommitted':
      return 'Nothing uncommitted: the worktree is the same as its last commit.';
    case 'commit':
      return view.sha ? 'This commit changes no file.' : 'Pick a commit above to see what it changed.';
    case 'since':
      return 'Nothing changed since that commit.';
  }
}

const VIEWS: { kind: DiffView['kind']; label: string }[] = [
  { kind: 'base', label: 'All changes' },
  { kind: 'uncommitted', label: 'Uncommitted' },
  { kind: 'commit', label: 'Commits' },
];

function ViewPicker({ view, onView, sinceFrom }: { view: DiffView; onView: (view: DiffView) => void; sinceFrom: string | null }) {
  return (
    <div className="segmented" role="group" aria-label="What to compare">
      {VIEWS.map((v) => (
        <button
          key={v.kind}
          type="button"
          className="segment"
          data-testid={`diff-view-${v.kind}`}
          aria-pressed={view.kind === v.kind}
          onClick={() => {
            if (view.kind !== v.kind) onView({ kind: v.kind } as DiffView);
          }}
        >
          {v.label}
        </button>
      ))}
      {sinceFrom !== null || view.kind === 'since' ? (
        <button
          type="button"
          className="segment"
          data-testid="diff-view-since"
          title={sinceFrom === null ? undefined : `What changed since the review (${sinceFrom.slice(0, 10)})`}
          aria-pressed={view.kind === 'since'}
          disabled={sinceFrom === null}
          onClick={() => {
            if (sinceFrom !== null && (view.kind !== 'since' || view.from !== sinceFrom)) onView({ kind: 'since', from: sinceFrom });
          }}
        >
          Since the review
        </button>
      ) : null}
    </div>
  );
}

function CommitList({ repo, sessionId, selected, onPick }: { repo: string; sessionId: string; selected: string | null; onPick: (sha: string, chosen?: boolean) => void }) {
  const [commits, setCommits] = useState<SessionCommit[] | string | null>(null);
  useEffect(() => {
    let live = true;
    void api.invoke('diff.commits', { repo, id: sessionId }).then((result) => {
      if (!live) return;
      setCommits(result.ok ? result.value : result.error.message);
      if (result.ok && selected === null && result.value[0]) onPick(result.value[0].sha, true);
    });
    return () => {
      live = false;
    };
  }, [repo, sessionId]);
  if (commits === null) return <p className="muted">Reading the session's commits…</p>;
  if (typeof commits === 'string') return <ErrorMessage message={commits} testId="diff-commits-error" />;
  if (commits.length === 0) return <p className="muted" data-testid="diff-commits-empty">No commits yet: the session's work is all uncommitted.</p>;
  return (
    <ul className="diff-commits" data-testid="diff-commits">
      {commits.map((c) => (
        <li key={c.sha}>
          <button type="button" className="diff-commit" data-testid={`diff-commit-${c.sha}`} aria-current={selected !== null && c.sha.startsWith(selected) ? 'true' : undefined} onClick={() => onPick(c.sha)}>
            <span className="mono muted">{c.sha.slice(0, 7)}</span>
            <span className="diff-commit-subject">{c.subject}</span>
            <span className="muted">
              <Relative at={c.time} />
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function ModeToggle({ mode }: { mode: DiffMode }) {
  return (
    <div className="segmented" role="group" aria-label="Diff layout">
      {(['unified', 'split'] as const).map((m) => (
        <button key={m} type="button" className="segment" data-testid={`diff-mode-${m}`} aria-pressed={mode === m} onClick={() => setDiffMode(m)}>
          {m === 'unified' ? 'Unified' : 'Split'}
        </button>
      ))}
    </div>
  );
}
