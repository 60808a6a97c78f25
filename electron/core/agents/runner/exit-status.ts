import { constants } from 'node:os';

const signalNames = new Map<number, string>(Object.entries(constants.signals).map(([name, n]) => [n, name]));

/** A signal number as its name (`9` → `SIGKILL`), or `SIG<n>` for one this platform does not name. */
export function signalName(signal: number): string {
  return signalNames.get(signal) ?? `SIG${signal}`;
}
