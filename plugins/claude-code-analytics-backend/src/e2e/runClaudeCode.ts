import { execFileSync, spawn } from 'node:child_process';

/** What a finished process printed, and how it ended. */
export type ProcessResult = {
  code: number | null;
  stdout: string;
  stderr: string;
};

/** Runs a command to its end (killed after two minutes), collecting its output. */
export function runProcess(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<ProcessResult> {
  return new Promise(resolve => {
    const child = spawn(command, args, {
      ...options,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', code => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs the real Claude Code CLI once, offline, in a fresh git repository: it talks to the stand-in
 * of the Messages API (which scripts a session that writes a file and commits it) and exports its
 * OpenTelemetry metrics and events to `otlpEndpoint`. The CLI prints its result as JSON.
 */
export async function runScriptedClaudeCodeSession(options: {
  claudeBin: string;
  /** An empty folder used as HOME: the CLI writes its transcripts under it. */
  home: string;
  /** An empty folder the session works in. */
  work: string;
  /** `org/repo` of the work folder's git remote. */
  remoteSlug: string;
  standInUrl: string;
  otlpEndpoint: string;
  otlpToken: string;
  protocol: 'http/json' | 'http/protobuf';
  resourceAttributes: string;
}): Promise<ProcessResult> {
  execFileSync('git', ['init', '-q'], { cwd: options.work });
  execFileSync(
    'git',
    ['remote', 'add', 'origin', `git@github.com:${options.remoteSlug}.git`],
    { cwd: options.work },
  );
  return runProcess(
    options.claudeBin,
    [
      '-p',
      'Write the notes and commit them',
      '--output-format',
      'json',
      '--permission-mode',
      'acceptEdits',
      '--allowedTools',
      'Write',
      'Bash(git add:*)',
      'Bash(git -c:*)',
    ],
    {
      cwd: options.work,
      env: {
        PATH: process.env.PATH,
        HOME: options.home,
        ANTHROPIC_BASE_URL: options.standInUrl,
        ANTHROPIC_API_KEY: 'sk-ant-e2e-stand-in',
        CLAUDE_CODE_ENABLE_TELEMETRY: '1',
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_LOGS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: options.protocol,
        OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint,
        OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${options.otlpToken}`,
        OTEL_RESOURCE_ATTRIBUTES: options.resourceAttributes,
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        OTEL_LOGS_EXPORT_INTERVAL: '500',
        DISABLE_AUTOUPDATER: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      },
    },
  );
}
