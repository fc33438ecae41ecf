import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';

/** Token usage the stand-in reports for every response it streams. */
export const STAND_IN_USAGE = {
  input_tokens: 900,
  output_tokens: 60,
  cache_read_input_tokens: 4200,
  cache_creation_input_tokens: 250,
};

/** The file the scripted session writes, and how many lines it has. */
export const STAND_IN_FILE = { name: 'notes.md', lines: 5 };

type Turn =
  | { kind: 'tool'; name: string; input: Record<string, unknown> }
  | { kind: 'text'; text: string };

/**
 * The scripted session: write a file, commit it with git, then say it is done. Which step comes
 * next is read from the conversation: the number of tool results so far.
 */
function nextTurn(body: any): Turn {
  const system =
    JSON.stringify(body.system ?? '') + JSON.stringify(body.messages ?? []);
  const cwd = /working directory: ([^\s\\"]+)/i.exec(system)?.[1];
  const toolResults = (body.messages ?? [])
    .flatMap((m: any) => (Array.isArray(m.content) ? m.content : []))
    .filter((c: any) => c.type === 'tool_result').length;
  if (!cwd || toolResults >= 2) {
    return { kind: 'text', text: 'Done: the notes are written and committed.' };
  }
  if (toolResults === 0) {
    const content = Array.from(
      { length: STAND_IN_FILE.lines },
      (_, i) => `line ${i + 1} of the notes`,
    ).join('\n');
    return {
      kind: 'tool',
      name: 'Write',
      // No trailing newline: Claude Code counts the lines of the text it writes as split by '\n'.
      input: { file_path: path.join(cwd, STAND_IN_FILE.name), content },
    };
  }
  return {
    kind: 'tool',
    name: 'Bash',
    input: {
      command: `git add ${STAND_IN_FILE.name} && git -c user.email=e2e@acme.example -c user.name=E2E commit -q -m "Add notes"`,
      description: 'Commit the notes',
    },
  };
}

/**
 * A stand-in of the Anthropic Messages API (`POST /v1/messages`, streaming and not), enough for the
 * real Claude Code CLI to run a short scripted session offline. It records what it was asked.
 */
export async function startMessagesApiStandIn(): Promise<{
  url: string;
  requests: Array<{ path: string; model?: string; stream?: boolean }>;
  close(): Promise<void>;
}> {
  const requests: Array<{ path: string; model?: string; stream?: boolean }> =
    [];
  let sequence = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      let raw = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') {
        raw = zlib.gunzipSync(raw);
      }
      const route = (req.url ?? '').split('?')[0];
      let body: any = {};
      try {
        body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
      } catch {
        body = {};
      }
      requests.push({ path: route, model: body.model, stream: body.stream });
      sequence += 1;
      if (route === '/v1/messages/count_tokens') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ input_tokens: 100 }));
        return;
      }
      if (route !== '/v1/messages') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
        return;
      }
      const turn = nextTurn(body);
      const messageId = `msg_standin_${sequence}`;
      const requestId = `req_standin_${sequence}`;
      const content =
        turn.kind === 'text'
          ? { type: 'text', text: turn.text }
          : {
              type: 'tool_use',
              id: `toolu_standin_${sequence}`,
              name: turn.name,
              input: turn.input,
            };
      const stopReason = turn.kind === 'text' ? 'end_turn' : 'tool_use';
      const usage = {
        ...STAND_IN_USAGE,
        cache_creation: {
          ephemeral_5m_input_tokens: STAND_IN_USAGE.cache_creation_input_tokens,
          ephemeral_1h_input_tokens: 0,
        },
      };
      if (!body.stream) {
        res.writeHead(200, {
          'content-type': 'application/json',
          'request-id': requestId,
        });
        res.end(
          JSON.stringify({
            id: messageId,
            type: 'message',
            role: 'assistant',
            model: body.model,
            content: [content],
            stop_reason: stopReason,
            stop_sequence: null,
            usage,
          }),
        );
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'request-id': requestId,
      });
      const event = (name: string, data: object) =>
        res.write(
          `event: ${name}\ndata: ${JSON.stringify({
            type: name,
            ...data,
          })}\n\n`,
        );
      event('message_start', {
        message: {
          id: messageId,
          type: 'message',
          role: 'assistant',
          model: body.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...usage, output_tokens: 1 },
        },
      });
      if (content.type === 'text') {
        event('content_block_start', {
          index: 0,
          content_block: { type: 'text', text: '' },
        });
        event('content_block_delta', {
          index: 0,
          delta: { type: 'text_delta', text: content.text },
        });
      } else {
        event('content_block_start', {
          index: 0,
          content_block: {
            type: 'tool_use',
            id: content.id,
            name: content.name,
            input: {},
          },
        });
        event('content_block_delta', {
          index: 0,
          delta: {
            type: 'input_json_delta',
            partial_json: JSON.stringify(content.input),
          },
        });
      }
      event('content_block_stop', { index: 0 });
      event('message_delta', {
        delta: { stop_reason: stopReason, stop_sequence: null },
        usage: { output_tokens: STAND_IN_USAGE.output_tokens },
      });
      event('message_stop', {});
      res.end();
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}
