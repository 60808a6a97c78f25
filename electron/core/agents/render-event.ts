import type { AgentEvent } from '../../../shared/agents';

/**
 * How a headless run's events read in its terminal view and log: one line each, the way a person
 * would summarize the CLI's JSON stream (the raw stream is not kept in the log).
 */
export function renderEvent(event: AgentEvent): string {
  switch (event.kind) {
    case 'started':
      return `▶ started${event.model ? ` (${event.model})` : ''}\r\n`;
    case 'tool':
      return `• ${event.tool}${event.path ? ` ${event.path}` : ''}\r\n`;
    case 'file-changed':
      return `  ✎ ${event.path}\r\n`;
    case 'message':
      return `${event.text.replace(/\r?\n/g, '\r\n')}\r\n`;
    case 'denied':
      return `✖ denied ${event.tool}${event.path ? ` ${event.path}` : ''}: ${event.reason}\r\n`;
    case 'needs-input':
      return `? needs input${event.text ? `: ${event.text}` : ''}\r\n`;
    case 'usage':
      return event.costUsd !== null ? `  (cost $${event.costUsd.toFixed(4)})\r\n` : '';
    case 'done':
      return `✔ done${event.text ? `: ${event.text}` : ''}\r\n`;
    case 'failed':
      return `✖ failed: ${event.reason}\r\n`;
  }
}
