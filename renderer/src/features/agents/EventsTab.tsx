import { useEffect, useState } from 'react';
import { api, onReconnect } from '../../api';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useStore } from '../../lib/create-store';
import { formatTimestamp } from '../../lib/format';
import { createAgentEvents, describeEvent, matchesFilter, type AgentEvents, type EventFilter } from './agent-events';
import { useRun } from '../../app/stores/runs-store';

const FILTERS: { id: EventFilter; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'tools', label: 'Tools & files' },
  { id: 'denied', label: 'Denials' },
  { id: 'messages', label: 'Messages' },
];

/** What the agent did in its latest run (tool uses with their files, denials, messages, the end), newest first. */
export function EventsTab({ repo, sessionId }: { repo: string; sessionId: string }) {
  const [events, setEvents] = useState<AgentEvents | null>(null);
  const runId = useRun(sessionId)?.id ?? null;

  useEffect(() => {
    const controller = createAgentEvents(repo, sessionId, (command, input) => api.invoke(command, input));
    const offEvent = api.on('agent.event', controller.handleEvent);
    const offReconnect = onReconnect(() => void controller.load());
    setEvents(controller);
    return () => {
      offEvent();
      offReconnect();
      controller.stop();
    };
  }, [repo, sessionId]);

  // Loaded again when another run becomes the latest (its events replace the list).
  useEffect(() => {
    void events?.load();
  }, [events, runId]);

  return events === null ? null : <EventList events={events} />;
}

function EventList({ events }: { events: AgentEvents }) {
  const state = useStore(events.store);
  const [filter, setFilter] = useState<EventFilter>('all');
  if (state.status === 'error') return <ErrorMessage message={`Could not read the agent's events: ${state.error}`} testId="events-error" />;
  if (state.status === 'loading' && state.events.length === 0) {
    return (
      <p className="muted" aria-busy="true">
        Reading the agent's events…
      </p>
    );
  }
  if (state.events.length === 0) return <EmptyState>No agent events yet: tool uses, denied edits and messages show up here as the agent works.</EmptyState>;
  const denials = state.events.filter((event) => event.kind === 'denied').length;
  const shown = state.events.filter((event) => matchesFilter(event, filter)).reverse();
  return (
    <div className="events-tab">
      <div className="filters" role="group" aria-label="Filter events">
        {FILTERS.map((f) => (
          <button key={f.id} type="button" className="filter-chip" aria-pressed={filter === f.id} data-testid={`events-filter-${f.id}`} onClick={() => setFilter(f.id)}>
            {f.label}
            {f.id === 'denied' ? <span className="filter-count">{denials}</span> : null}
          </button>
        ))}
      </div>
      {shown.length === 0 ? (
        <p className="muted">Nothing of this kind yet.</p>
      ) : (
        <ol className="event-list" data-testid="events-list">
          {shown.map((event, index) => {
            const line = describeEvent(event);
            return (
              <li key={`${event.at}-${shown.length - index}`} className={`event-item event-${line.tone}`} data-kind={event.kind} data-testid={`event-${event.kind}`}>
                <time className="event-time mono" dateTime={event.at} title={formatTimestamp(event.at)}>
                  {formatTimestamp(event.at).slice(11)}
                </time>
                <span className="event-label">{line.label}</span>
                <span className="event-body">
                  {line.path !== null ? <span className="mono event-path">{line.path}</span> : null}
                  {line.text !== '' ? <span className="event-text">{line.text}</span> : null}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}
