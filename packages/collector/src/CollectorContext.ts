/**
 * The outside world of the CLI, replaceable in tests.
 *
 * @public
 */
export type CollectorContext = {
  env: NodeJS.ProcessEnv;
  homeDir: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  fetch: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
};
