import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The real transcripts captured from Claude Code, read in place. */
export const FIXTURE_CONFIG_DIR = join(
  // Test helper only, never part of a build: the fixtures sit next to the repository.
  // eslint-disable-next-line no-restricted-syntax
  __dirname,
  '../../../../../shared/fixtures/claude-code-transcripts',
);

const fixturesPresent = existsSync(FIXTURE_CONFIG_DIR);
if (!fixturesPresent) {
  // eslint-disable-next-line no-console
  console.warn(
    `Skipping tests on captured Claude Code transcripts: ${FIXTURE_CONFIG_DIR} not found`,
  );
}

/** `it` when the captured transcripts are present, `it.skip` otherwise. */
export const itWithFixtures = fixturesPresent ? it : it.skip;

/** A temporary directory removed by `cleanup`. */
export function createTempDir(prefix = 'collector-test-'): {
  path: string;
  cleanup: () => void;
} {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    cleanup: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** Options of {@link assistantLine}. */
export type AssistantLineOptions = {
  sessionId?: string;
  messageId?: string;
  requestId?: string;
  model?: string;
  timestamp?: string;
  cwd?: string;
  input?: number;
  output?: number;
  cacheCreation?: number;
  cacheRead?: number;
  cacheCreation1h?: number;
};

/** An assistant line shaped like Claude Code writes them (type near the end). */
export function assistantLine(options: AssistantLineOptions = {}): string {
  const cacheCreation = options.cacheCreation ?? 0;
  const oneHour = options.cacheCreation1h ?? 0;
  return JSON.stringify({
    parentUuid: 'p',
    isSidechain: false,
    message: {
      id: options.messageId,
      type: 'message',
      role: 'assistant',
      model: options.model ?? 'claude-sonnet-4-5-20250929',
      content: [{ type: 'text', text: 'secret prompt text' }],
      usage: {
        input_tokens: options.input ?? 10,
        cache_creation_input_tokens: cacheCreation,
        cache_read_input_tokens: options.cacheRead ?? 0,
        output_tokens: options.output ?? 5,
        cache_creation: {
          ephemeral_5m_input_tokens: cacheCreation - oneHour,
          ephemeral_1h_input_tokens: oneHour,
        },
      },
    },
    requestId: options.requestId,
    type: 'assistant',
    timestamp: options.timestamp ?? '2026-11-20T10:00:00.000Z',
    cwd: options.cwd ?? '/nonexistent/project',
    sessionId: options.sessionId ?? 'session-1',
    gitBranch: 'main',
  });
}

/** A large request body line, as Claude Code writes them. */
export function blobLine(bytes: number, sessionId = 'session-1'): string {
  return JSON.stringify({
    type: 'api-request-blob',
    sessionId,
    message: {
      role: 'user',
      // Usage-like text inside a body must never be counted.
      content: [
        { type: 'text', text: `"input_tokens":1 ${'x'.repeat(bytes)}` },
      ],
      usage: { input_tokens: 999999, output_tokens: 999999 },
    },
  });
}

/**
 * Writes a transcript scan worker script into `dir` that runs the TypeScript sources through the
 * transpiler (as the launcher does without a bundle), and returns its path.
 */
export function writeScanWorkerScript(dir: string): string {
  const path = join(dir, 'scanWorker.cjs');
  writeFileSync(
    path,
    `require(${JSON.stringify(
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
    )});\nrequire(${JSON.stringify(
      require.resolve('../transcripts/scanWorker'),
    )});\n`,
  );
  return path;
}
