/**
 * localStorage that never throws: storage can be disabled, full, or (in some embedded browsers)
 * missing altogether, and a preference that cannot be saved must not break the app.
 */
export function readPreference(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

export function writePreference(key: string, value: string | null): void {
  try {
    if (value === null) globalThis.localStorage?.removeItem(key);
    else globalThis.localStorage?.setItem(key, value);
  } catch {
    // Not saved; the choice still holds for this page.
  }
}

export const PREFERENCE_KEYS = {
  lastRepo: 'council.lastRepo',
  theme: 'council.theme',
  diffMode: 'council.diffMode',
} as const;
