import { createStore } from '../../lib/create-store';

/** The board's selection mode: cards picked by hand to compare (ids in the order they were picked). */
export interface CompareSelection {
  active: boolean;
  ids: string[];
}

export const compareSelection = createStore<CompareSelection>({ active: false, ids: [] });

export function startSelecting(): void {
  compareSelection.set({ active: true, ids: [] });
}

export function stopSelecting(): void {
  compareSelection.set({ active: false, ids: [] });
}

export function toggleSelected(id: string): void {
  compareSelection.set((state) => ({ ...state, ids: state.ids.includes(id) ? state.ids.filter((x) => x !== id) : [...state.ids, id] }));
}

/** Drops ids of sessions that are gone (removed elsewhere). */
export function keepExisting(ids: ReadonlySet<string>): void {
  compareSelection.set((state) => {
    const kept = state.ids.filter((id) => ids.has(id));
    return kept.length === state.ids.length ? state : { ...state, ids: kept };
  });
}
