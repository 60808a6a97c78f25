import type { AgentEventInput } from '../../../../shared/agents';
import { KILO_DENIAL_PREFIX } from '../hooks/kilo';
import { OpencodeParser } from './opencode';
import { jsonLine, record, repoPath, text } from './common';

/*
 * Kilo Code headless output (`kilo run --format json --auto "<task>"`, @kilocode/cli 7.7.7; an
 * opencode fork): the same JSON lines as opencode's (`step_start`, `text`, `tool_use`,
 * `step_finish`, `error`, each with `sessionID`), captured offline against the scripted Anthropic
 * Messages server (tests/support/model-server/fixtures/kilo-*.jsonl). Its tools: `write`, `edit`
 * (`filePath`), `apply_patch` (`patchText`), `bash`, `background_process`, `read`, `glob`, …
 *
 * What differs: a call council's lock hook refused (its plugin, hooks/kilo.ts, throws) is a
 * `tool_use` with `state.status: "error"` and `state.error` starting with KILO_DENIAL_PREFIX —
 * a `denied` event with the hook's reason. A dead model server: Kilo's own retries, then an
 * `error` whose `data.metadata.url` names the server (opencode's parser adds it to the reason);
 * when Kilo gives no URL, the reason names `modelServer` (the preset knows it from the config).
 */

export class KiloParser extends OpencodeParser {
  constructor(
    private readonly tree: string,
    private readonly modelServer: string | null,
  ) {
    super(tree);
  }

  override line(raw: string): AgentEventInput[] {
    const events = super.line(raw);
    const event = jsonLine(raw);
    if (event?.type === 'tool_use') {
      const part = record(event.part);
      const state = record(part?.state);
      const error = text(state?.error);
      if (state?.status === 'error' && error !== null && error.startsWith(KILO_DENIAL_PREFIX)) {
        const tool = text(part?.tool) ?? 'unknown';
        const file = text(record(state?.input)?.filePath);
        events.push({ kind: 'denied', tool, path: file === null ? null : repoPath(file, this.tree), reason: error.slice(KILO_DENIAL_PREFIX.length).trim() });
      }
    }
    if (this.modelServer) {
      return events.map((e) => (e.kind === 'failed' && !e.reason.includes(this.modelServer as string) ? { ...e, reason: `${e.reason} (model server: ${this.modelServer})` } : e));
    }
    return events;
  }
}
