/**
 * The lock hook's self-test payload: `{"council_probe":"<nonce>"}` on stdin. `council hook pre-tool`
 * answers it like a denial (exit 2, the reason on stderr, `{"decision":"block",…}` on stdout) with
 * a reason that repeats the nonce, and touches nothing: no repository, no lock, no context, no
 * COUNCIL_HOOK_LOG line. The preflight (./preflight.ts) sends it through the exact command line an
 * agent CLI will run, so a hook that cannot start, or does not answer as a lock hook must, is
 * found before the agent starts rather than silently read as "allow" on its first edit.
 *
 * No agent CLI sends such a payload; one that did would only get its edit refused.
 */

export const PROBE_FIELD = 'council_probe';

/** The nonce of a probe payload, or null when `payload` is anything else. */
export function probeNonce(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  const value = (payload as Record<string, unknown>)[PROBE_FIELD];
  return typeof value === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(value) ? value : null;
}

/** The denial reason the hook answers a probe with. */
export function probeReason(nonce: string): string {
  return `council lock hook probe ${nonce}: refused, as every edit would be that the hook cannot check`;
}
