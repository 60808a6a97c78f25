import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/repo';
import { sampleFor } from '../support/model-server/gemini';
import { type ModelServer, startModelServer } from '../support/model-server/index';
import { patchFor } from '../support/model-server/openai-responses';

// The scripted model server on its own, driven with plain fetch() in the shapes the CLIs send
// (the real CLIs are in the other files of this folder).

const servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(...args: Parameters<typeof startModelServer>): Promise<ModelServer> {
  const server = await startModelServer(...args);
  servers.push(server);
  return server;
}

const claudeRequest = (cwd: string, messages: unknown[]) => ({
  model: 'claude-test',
  stream: true,
  system: [{ type: 'text', text: `Environment:\n - Primary working directory: ${cwd}\n - Platform: linux` }],
  tools: [{ name: 'Read' }, { name: 'Write' }],
  messages,
});

async function post(server: ModelServer, url: string, body: unknown): Promise<Response> {
  return fetch(`${server.url}${url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** The `data:` objects of an SSE body. */
async function sseData(response: Response): Promise<Record<string, unknown>[]> {
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);
}

describe('scripted model server', () => {
  it('streams a Claude Write with an absolute path, then records the tool result and moves on', async () => {
    const cwd = tempDir();
    const server = await start([{ write: { path: 'src/x.ts', content: 'x\n' } }, { text: 'ok' }]);

    const first = await sseData(await post(server, '/v1/messages?beta=true', claudeRequest(cwd, [{ role: 'user', content: 'go' }])));
    const start0 = first.find((e) => e.type === 'content_block_start') as { content_block: { id: string; name: string } };
    const delta = first.find((e) => e.type === 'content_block_delta') as { delta: { partial_json: string } };
    expect(start0.content_block.name).toBe('Write');
    expect(JSON.parse(delta.delta.partial_json)).toEqual({ file_path: path.join(cwd, 'src/x.ts'), content: 'x\n' });
    expect(first.at(-2)).toMatchObject({ type: 'message_delta', delta: { stop_reason: 'tool_use' } });

    const history = [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: [{ type: 'tool_use', id: start0.content_block.id, name: 'Write', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: start0.content_block.id, is_error: true, content: 'denied: locked' }] },
    ];
    const second = await sseData(await post(server, '/v1/messages?beta=true', claudeRequest(cwd, history)));
    expect(second.find((e) => e.type === 'content_block_delta')).toMatchObject({ delta: { type: 'text_delta', text: 'ok' } });
    expect(server.toolResults()).toEqual([{ callId: start0.content_block.id, isError: true, text: 'denied: locked' }]);
    expect(server.requests.map((r) => r.answered?.kind)).toEqual(['write', 'text']);
  });

  it('plans a Read before a Claude overwrite of an existing file', async () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, 'src'));
    writeFileSync(path.join(cwd, 'src/a.ts'), 'old\n');
    const server = await start([{ write: { path: 'src/a.ts', content: 'new\n' } }]);

    const events = await sseData(await post(server, '/v1/messages?beta=true', claudeRequest(cwd, [{ role: 'user', content: 'go' }])));
    expect(events.find((e) => e.type === 'content_block_start')).toMatchObject({ content_block: { type: 'tool_use', name: 'Read' } });
  });

  it('answers tool-less side queries with text, HEAD / with 200, and unknown routes with 404', async () => {
    const server = await start([]);
    expect((await fetch(server.url, { method: 'HEAD' })).status).toBe(200);
    const side = await post(server, '/v1/messages', { model: 'm', messages: [{ role: 'user', content: 'title?' }] });
    expect(await side.json()).toMatchObject({ role: 'assistant', content: [{ type: 'text' }] });
    expect((await post(server, '/v2/other', {})).status).toBe(404);
    expect(server.requests.map((r) => r.kind)).toEqual(['probe', 'side', 'other']);
  });

  it('keeps failing a scripted failure on every retry, and can drop the connection', async () => {
    const cwd = tempDir();
    const failing = await start([{ fail: { status: 503, message: 'overloaded' } }]);
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await post(failing, '/v1/messages', claudeRequest(cwd, [{ role: 'user', content: 'go' }]));
      expect(response.status).toBe(503);
      expect(JSON.stringify(await response.json())).toContain('overloaded');
    }
    const dropping = await start([{ fail: 'close' }]);
    await expect(post(dropping, '/v1/messages', claudeRequest(cwd, [{ role: 'user', content: 'go' }]))).rejects.toThrow();
  });

  it('answers Gemini routing calls with JSON that fits the requested schema', async () => {
    const server = await start([]);
    const schema = { type: 'OBJECT', properties: { complexity_reasoning: { type: 'STRING' }, complexity_score: { type: 'INTEGER' } } };
    const response = await post(server, '/v1beta/models/flash:generateContent', { contents: [{ role: 'user', parts: [{ text: 'hi' }] }], generationConfig: { responseJsonSchema: schema } });
    const text = ((await response.json()) as { candidates: { content: { parts: { text: string }[] } }[] }).candidates[0]?.content.parts[0]?.text ?? '';
    expect(JSON.parse(text)).toEqual({ complexity_reasoning: 'Scripted.', complexity_score: 1 });
    expect(sampleFor({ type: 'OBJECT', properties: { next_speaker: { type: 'STRING', enum: ['model', 'user'] } } })).toEqual({ next_speaker: 'user' });
  });

  it('writes apply_patch texts: Add File for a new file, a whole-file Update for an existing one', () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'a.ts'), 'one\ntwo\n');
    expect(patchFor(cwd, 'new.ts', 'x\ny\n')).toBe('*** Begin Patch\n*** Add File: new.ts\n+x\n+y\n*** End Patch');
    expect(patchFor(cwd, 'a.ts', 'three\n')).toBe('*** Begin Patch\n*** Update File: a.ts\n@@\n-one\n-two\n+three\n*** End Patch');
  });
});
