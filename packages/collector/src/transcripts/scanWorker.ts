/*
 * Entry point of a transcript scan worker thread (see scanFiles); bundled on its own by
 * scripts/bundle.cjs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runScanWorker } from './scanFiles';

runScanWorker(workerData, parentPort!);
