import type { ImportFetch } from './push/nodeHttpFetch';

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
  /** Sends the import requests; `fetch` will do. */
  fetch: ImportFetch;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Subscribes to the requests to stop a long-running command (`push --watch`): SIGINT and
   * SIGTERM by default. Returns the function that unsubscribes.
   */
  onStopSignal?: (listener: (signal: string) => void) => () => void;
  /**
   * Script of the bundled transcript scan worker; large scans are then spread over worker threads.
   * Set by the launcher when it runs the bundle.
   */
  scanWorkerScript?: string;
};
