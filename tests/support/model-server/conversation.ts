import type { IncomingMessage, ServerResponse } from 'node:http';
import { dropConnection, sendError } from './http';
import { type Action, planActions, type RecordedRequest, SCRIPT_END, type ScriptSource } from './script';

/** What a protocol module gets for one request: the parsed body and a place to answer. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  // The CLIs' request bodies are large, loosely typed JSON; each protocol module reads what it needs.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A protocol: answers the requests it recognises and says what it saw. */
export interface ProtocolHandler {
  matches(method: string, url: URL): boolean;
  handle(exchange: Exchange): Omit<RecordedRequest, 'method' | 'url' | 'body'>;
}

/**
 * One scripted conversation. The step to answer is derived from the request itself (how many
 * model turns its history holds), not from a counter, so a CLI's retry of the same request gets
 * the same answer and a failure step keeps failing until the CLI gives up.
 */
export class Conversation {
  /** One plan per working directory (one agent each, when the script is given per directory). */
  private readonly plans = new Map<string, Action[]>();

  constructor(
    private readonly script: ScriptSource,
    private readonly options: { readBeforeOverwrite: boolean; canRead: boolean },
  ) {}

  /** The action for the request whose history holds `modelTurns` earlier model turns. */
  next(cwd: string, modelTurns: number): Action {
    // Planned once, at the first request: whether a file exists changes once the agent writes it.
    let plan = this.plans.get(cwd);
    if (!plan) {
      plan = planActions(typeof this.script === 'function' ? this.script(cwd) : this.script, cwd, this.options);
      this.plans.set(cwd, plan);
    }
    return plan[modelTurns] ?? SCRIPT_END;
  }
}

/** Answers a `fail` or `close` action; returns false for actions the protocol must answer itself. */
export function answerFailure(exchange: Exchange, action: Action): boolean {
  if (action.kind === 'close') {
    dropConnection(exchange.req);
    return true;
  }
  if (action.kind === 'fail') {
    sendError(exchange.res, action.status, action.message);
    return true;
  }
  return false;
}

/** Text of a content value that is either a string or an array of `{ text }` parts. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part: unknown) => (typeof part === 'string' ? part : typeof (part as { text?: unknown })?.text === 'string' ? (part as { text: string }).text : ''))
      .join('');
  }
  return '';
}

let counter = 0;
/** A unique id with a protocol-style prefix (`toolu_…`, `call_…`). */
export function newId(prefix: string): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter.toString(36).padStart(4, '0')}`;
}
