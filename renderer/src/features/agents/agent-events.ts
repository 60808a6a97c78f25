import type { AgentEvent } from '../../../../shared/agents';
import type { EventPayload } from '../../../../shared/contract';
import type { CouncilApi } from '../../env';
import { createStore } from '../../lib/create-store';
import { formatCost, formatTokens } from '../../models/run-model';

/**
 * A session's agent events, live: `agent.events` (the latest run's, so far), then `agent.event`
 * as they happen. Events that arrive while the list is being fetched are kept and added after it
 * unless the list already has them. A new run starts a new list. Capped, oldest dropped.
 */
export const EVENTS_CAP = 1000;

export interface AgentEventsState {
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  /** The run the events belong to, once an event said so. */
  runId: string | null;
  events: AgentEvent[];
}

export function eventKey(event: AgentEvent): string {
  return JSON.stringify(event);
}

export function createAgentEvents(repo: string, id: string, invoke: CouncilApi['invoke'], cap = EVENTS_CAP) {
  const store = createStore<AgentEventsState>({ status: 'loading', error: null, runId: null, events: [] });
  let stopped = false;
  let loading = false;
  let again = false;
  let pending: EventPayload<'agent.event'>[] = [];

  const append = (state: AgentEventsState, payload: EventPayload<'agent.event'>): AgentEventsState => {
    const fresh = state.runId !== null && payload.runId !== state.runId;
    const base = fresh ? [] : state.events;
    const events = [...base, payload.event];
    return { ...state, runId: payload.runId, events: events.length > cap ? events.slice(events.length - cap) : events };
  };

  const load = async (): Promise<void> => {
    if (stopped) return;
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    pending = [];
    const result = await invoke('agent.events', { repo, id });
    loading = false;
    if (stopped) return;
    const held = pending;
    pending = [];
    if (!result.ok) {
      store.set((state) => ({ ...state, status: 'error', error: result.error.message }));
    } else {
      const known = new Set(result.value.map(eventKey));
      let state: AgentEventsState = { status: 'ready', error: null, runId: null, events: result.value.slice(-cap) };
      for (const payload of held) {
        if (!known.has(eventKey(payload.event))) state = append(state, payload);
        else state = { ...state, runId: payload.runId };
      }
      store.set(state);
    }
    if (again) {
      again = false;
      void load();
    }
  };

  return {
    store,
    load,
    handleEvent(payload: EventPayload<'agent.event'>) {
      if (stopped || payload.repo !== repo || payload.sessionId !== id) return;
      if (loading) {
        pending.push(payload);
        return;
      }
      store.set((state) => append(state, payload));
    },
    stop() {
      stopped = true;
    },
  };
}

export type AgentEvents = ReturnType<typeof createAgentEvents>;

export type EventTone = 'neutral' | 'good' | 'bad' | 'warn' | 'quiet';

export interface EventLine {
  label: string;
  text: string;
  path: string | null;
  tone: EventTone;
}

/** One event as a line of the list. Denials say why, plainly: "denied: <reason>". */
export function describeEvent(event: AgentEvent): EventLine {
  switch (event.kind) {
    case 'started':
      return { label: 'started', text: [event.model && `model ${event.model}`, event.agentSessionId && `conversation ${event.agentSessionId}`].filter(Boolean).join(' · '), path: null, tone: 'quiet' };
    case 'tool':
      return { label: event.tool, text: '', path: event.path, tone: 'neutral' };
    case 'file-changed':
      return { label: 'changed', text: '', path: event.path, tone: 'neutral' };
    case 'message':
      return { label: 'message', text: event.text, path: null, tone: 'quiet' };
    case 'denied':
      return { label: event.tool, text: `denied: ${event.reason}`, path: event.path, tone: 'bad' };
    case 'needs-input':
      return { label: 'needs input', text: event.text ?? '', path: null, tone: 'warn' };
    case 'usage': {
      const parts = [formatCost(event.costUsd), event.inputTokens !== null ? `${formatTokens(event.inputTokens)} in` : null, event.outputTokens !== null ? `${formatTokens(event.outputTokens)} out` : null];
      return { label: 'usage', text: parts.filter(Boolean).join(' · '), path: null, tone: 'quiet' };
    }
    case 'done':
      return { label: 'done', text: event.text ?? '', path: null, tone: 'good' };
    case 'failed':
      return { label: 'failed', text: event.reason, path: null, tone: 'bad' };
  }
}

export type EventFilter = 'all' | 'tools' | 'denied' | 'messages';

export function matchesFilter(event: AgentEvent, filter: EventFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'tools':
      return event.kind === 'tool' || event.kind === 'file-changed' || event.kind === 'denied';
    case 'denied':
      return event.kind === 'denied';
    case 'messages':
      return event.kind === 'message' || event.kind === 'needs-input' || event.kind === 'done' || event.kind === 'failed';
  }
}
