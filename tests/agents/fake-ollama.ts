import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small fake Ollama server (no model weights can be fetched here): the parts of Ollama's API that
 * Codex `--oss --local-provider ollama` and our preset's probe use —
 *
 *   GET  /api/version  {"version": "0.13.5"} (Codex wants ≥ 0.13.4, for the Responses API)
 *   GET  /api/tags     the models it "has", Ollama-style: name and model carry the tag (`:latest`)
 *   POST /api/show     a model's details, for a model it has; 404 otherwise
 *   POST /api/pull     what an offline Ollama answers: an error (nothing can be downloaded here)
 *   GET  /v1/models    the same models, OpenAI-style (Codex asks it first: is an Ollama server there?)
 *   /v1/*              the rest of Ollama's OpenAI-compatible API: passed to the scripted model server
 *
 * Every request is recorded, so a test can tell whether Codex tried to pull a model.
 */

export interface FakeOllama {
  url: string;
  requests: { method: string; path: string; body: string }[];
  close(): Promise<void>;
}

function json(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

export async function startFakeOllama(options: { models: string[]; modelServer: string; version?: string }): Promise<FakeOllama> {
  const requests: FakeOllama['requests'] = [];
  const upstream = new URL(options.modelServer);
  const details = (name: string) => ({ name, model: name, modified_at: '2026-12-01T00:00:00Z', size: 1_000_000, digest: 'sha256:0', details: { format: 'gguf', family: 'qwen3', parameter_size: '30B', quantization_level: 'Q4_K_M' } });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const pathname = new URL(req.url ?? '/', 'http://x').pathname;
      requests.push({ method: req.method ?? 'GET', path: pathname, body });
      if (pathname === '/api/version') return json(res, 200, { version: options.version ?? '0.13.5' });
      if (pathname === '/api/tags') return json(res, 200, { models: options.models.map(details) });
      if (pathname === '/api/show') {
        let name = '';
        try {
          const parsed = JSON.parse(body) as { model?: string; name?: string };
          name = parsed.model ?? parsed.name ?? '';
        } catch {
          // fall through: unknown model
        }
        if (!options.models.includes(name)) return json(res, 404, { error: `model '${name}' not found` });
        return json(res, 200, { ...details(name), capabilities: ['completion', 'tools'], model_info: { 'general.architecture': 'qwen3', 'qwen3.context_length': 262144 } });
      }
      if (pathname === '/api/pull') return json(res, 500, { error: 'pull model manifest: Get "https://registry.ollama.ai/v2/library/model/manifests/latest": dial tcp: lookup registry.ollama.ai: no such host' });
      if (pathname === '/v1/models') return json(res, 200, { object: 'list', data: options.models.map((id) => ({ id, object: 'model', created: 1764547200, owned_by: 'library' })) });
      if (pathname.startsWith('/v1/')) {
        const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        forward.on('error', (err) => {
          if (!res.headersSent) res.writeHead(502);
          res.end(String(err));
        });
        forward.end(body);
        return undefined;
      }
      return json(res, 404, { error: `no route ${req.method} ${pathname}` });
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
