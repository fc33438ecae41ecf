import os from 'node:os';
import {
  createTestDatabases,
  onPostgres,
} from '../../src/__testUtils__/createTestDatabases';
import { postgresServerCpu } from './postgresServerCpu';

const databases = createTestDatabases();
// The test command starts a PostgreSQL server on this machine (and createTestDatabases fails the
// run when it is required and missing).
const postgres = onPostgres(databases);

postgres.describe('postgresServerCpu (skipped when no server is set)', () => {
  it.each(postgres.ids)(
    'counts the CPU time of a statement the local server runs, %p',
    async databaseId => {
      const knex = await databases.init(databaseId as 'POSTGRES_15');
      const cpuMs = await postgresServerCpu(knex);
      expect(cpuMs).toBeDefined();

      const before = cpuMs!();
      const started = performance.now();
      await knex.transaction(async tx => {
        // One process, on the CPU for the whole statement.
        await tx.raw('SET LOCAL max_parallel_workers_per_gather = 0');
        await tx.raw(
          'SELECT count(*) FROM generate_series(1, 8000000) AS n WHERE n % 7 = 3',
        );
      });
      const elapsed = performance.now() - started;
      const used = cpuMs!() - before;

      // The statement takes about 0.8 s of CPU on the CI machine's cores (a quarter of it is
      // margin for faster ones, and holds whatever else shares the machine, which lengthens only
      // its elapsed time); the server cannot have used more than every core for the whole time
      // (the kernel counts in ticks of 10 ms).
      expect(used).toBeGreaterThan(200);
      expect(used).toBeLessThan(elapsed * os.cpus().length + 20);
    },
  );
});
