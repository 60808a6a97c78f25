import { useEffect, useState } from 'react';
import type { ConflictHunk, RadarFileDetail, SideChange } from '../../../../shared/merge';
import { call } from '../../api';
import { openSession } from '../../app/navigation';
import { ErrorMessage } from '../../components/ErrorMessage';
import { plural } from '../../lib/format';
import { followUpText, pairSentence, type FilePair } from '../../models/radar-model';
import type { SessionInfo } from './FileConflictRow';
import { MergeFirstDialog, TellAgentBox } from './RadarActions';

type Detail = { status: 'loading' } | { status: 'ready'; detail: RadarFileDetail } | { status: 'error'; message: string };

const CHANGE_WORDS: Record<SideChange, string> = { added: 'added it', modified: 'changed it', deleted: 'deleted it', unchanged: 'left it as it was' };

/**
 * One conflicting pair on a file: in a sentence, then each side's clashing lines side by side
 * (asked of the core when shown, again when either side's snapshot moves: `version`), with what
 * can be done for each session: open its diff, merge it first, tell its agent. The base is a side
 * with no actions: it is where the others merge.
 */
export function PairDetail(props: { repo: string; path: string; pair: FilePair; base: string; sessions: ReadonlyMap<string, SessionInfo>; version: string }) {
  const { repo, path, pair, base, sessions, version } = props;
  const [state, setState] = useState<Detail>({ status: 'loading' });
  const [telling, setTelling] = useState<string | null>(null);
  const [mergeFirst, setMergeFirst] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setState((s) => (s.status === 'ready' ? s : { status: 'loading' }));
    void call('radar.fileDetail', { repo, path, a: pair.a, b: pair.b }).then((result) => {
      if (!live) return;
      setState(result.ok ? { status: 'ready', detail: result.value } : { status: 'error', message: result.error.message });
    });
    return () => {
      live = false;
    };
  }, [repo, path, pair.a, pair.b, version]);

  const detail = state.status === 'ready' ? state.detail : null;
  const sides = pair.withBase ? [pair.a] : [pair.a, pair.b];
  const name = (side: string): string => (side === pair.b && pair.withBase ? base : side);
  const other = (self: string): string => (self === pair.a ? pair.b : pair.a);

  return (
    <section className="radar-pair" data-testid={`radar-pair-${pair.a}-${pair.b}`} aria-label={`${name(pair.a)} and ${name(pair.b)} on ${path}`}>
      <p className="radar-pair-sentence">{pairSentence(pair, base)}.</p>
      {state.status === 'error' ? <ErrorMessage message={`Could not show the lines: ${state.message}`} testId="radar-pair-error" /> : null}
      <div className="radar-sides">
        {[pair.a, pair.b].map((side, i) => {
          const isBaseSide = pair.withBase && side === pair.b;
          const change = detail?.changes[i] ?? null;
          return (
            <div key={side} className="radar-side" data-testid={`radar-side-${isBaseSide ? 'base' : side}`}>
              <div className="radar-side-name">
                {isBaseSide ? (
                  <>
                    <span className="mono">{base}</span> <span className="muted">moved since {pair.a} started</span>
                  </>
                ) : (
                  <>
                    <span className="mono">{side}</span> <span className="muted radar-task">{sessions.get(side)?.task ?? 'no longer on the board'}</span>
                  </>
                )}
                {change !== null ? <span className="muted radar-change"> — {CHANGE_WORDS[change]}</span> : null}
              </div>
              {!isBaseSide ? (
                <div className="radar-side-actions">
                  <button type="button" className="button small" data-testid={`radar-diff-${side}`} onClick={() => openSession(side, 'diff', { file: path })} title={`Open session ${side}'s diff (${path} is in it)`}>
                    Open diff
                  </button>
                  {/* Against the base, merging it first is no way out: it would park on this very conflict. */}
                  {!pair.withBase ? (
                    <button type="button" className="button small" data-testid={`radar-merge-first-${side}`} onClick={() => setMergeFirst(side)} title={`Put session ${side} in the merge queue before the other`}>
                      Merge {side} first…
                    </button>
                  ) : null}
                  <button
                    type="button"
                    className="button small"
                    data-testid={`radar-tell-${side}`}
                    aria-expanded={telling === side}
                    onClick={() => setTelling(telling === side ? null : side)}
                    title={`Send session ${side}'s agent a note about ${path}`}
                  >
                    Tell its agent…
                  </button>
                </div>
              ) : null}
            </div>
          );
        })}
      </div>
      {telling !== null ? (
        <TellAgentBox
          key={telling}
          repo={repo}
          sessionId={telling}
          initial={followUpText({ path, pair, self: telling, base, otherTask: sessions.get(other(telling))?.task ?? null, otherProgress: sessions.get(other(telling))?.progress ?? null })}
          onClose={() => setTelling(null)}
        />
      ) : null}
      {state.status === 'loading' ? (
        <p className="muted radar-loading" aria-busy="true">
          Reading the lines…
        </p>
      ) : detail !== null ? (
        <Hunks detail={detail} labels={[name(pair.a), name(pair.b)]} />
      ) : null}
      {mergeFirst !== null ? (
        <MergeFirstDialog
          repo={repo}
          sessionId={mergeFirst}
          task={sessions.get(mergeFirst)?.task ?? null}
          others={sides.filter((s) => s !== mergeFirst)}
          path={path}
          base={base}
          onClose={() => setMergeFirst(null)}
        />
      ) : null}
    </section>
  );
}

function Hunks({ detail, labels }: { detail: RadarFileDetail; labels: [string, string] }) {
  if (detail.hunks.length === 0) {
    return (
      <p className="radar-note muted" data-testid="radar-note">
        {detail.note}
        {detail.message !== null ? <span className="radar-message mono">{detail.message}</span> : null}
      </p>
    );
  }
  return (
    <div className="radar-hunks">
      {detail.hunks.map((hunk, i) => (
        <HunkView key={i} hunk={hunk} labels={labels} />
      ))}
      {detail.moreHunks > 0 ? <p className="muted">…and {plural(detail.moreHunks, 'more place')} in this file: open the diffs to see them all.</p> : null}
    </div>
  );
}

function HunkView({ hunk, labels }: { hunk: ConflictHunk; labels: [string, string] }) {
  return (
    <figure className="radar-hunk" data-testid="radar-hunk">
      <figcaption className="muted">Around line {hunk.line}</figcaption>
      {hunk.before.length > 0 ? <pre className="radar-context">{hunk.before.join('\n')}</pre> : null}
      <div className="radar-hunk-sides">
        <div>
          <div className="radar-hunk-label mono">{labels[0]}</div>
          <pre className="radar-lines radar-lines-a" data-testid="radar-hunk-a">
            {hunk.a.length > 0 ? hunk.a.join('\n') : '(nothing: its side removed these lines)'}
          </pre>
        </div>
        <div>
          <div className="radar-hunk-label mono">{labels[1]}</div>
          <pre className="radar-lines radar-lines-b" data-testid="radar-hunk-b">
            {hunk.b.length > 0 ? hunk.b.join('\n') : '(nothing: its side removed these lines)'}
          </pre>
        </div>
      </div>
      {hunk.base !== null && hunk.base.length > 0 ? (
        <details className="radar-was">
          <summary className="muted">What both started from</summary>
          <pre className="radar-context" data-testid="radar-hunk-base">
            {hunk.base.join('\n')}
          </pre>
        </details>
      ) : null}
      {hunk.after.length > 0 ? <pre className="radar-context">{hunk.after.join('\n')}</pre> : null}
      {hunk.clipped ? <p className="muted">Long sections are cut here: open the diffs for the rest.</p> : null}
    </figure>
  );
}
