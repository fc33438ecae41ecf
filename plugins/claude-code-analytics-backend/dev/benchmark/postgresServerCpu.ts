import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { Knex } from 'knex';

/** Reads a process's `/proc/<pid>/stat`: its name, parent and CPU ticks (its own, its reaped children's). */
function readStat(pid: number) {
  const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The name is in parentheses and may hold spaces; the fields after it are space-separated.
  const close = text.lastIndexOf(')');
  const name = text.slice(text.indexOf('(') + 1, close);
  const fields = text.slice(close + 2).split(' ');
  // After the name: state (0), ppid (1), ..., utime (11), stime (12), cutime (13), cstime (14).
  const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
  return {
    name,
    parent: Number(fields[1]),
    own: utime + stime,
    children: cutime + cstime,
  };
}

/**
 * The CPU milliseconds used so far by the PostgreSQL server behind `knex`, when it runs on this
 * machine (as `scripts/benchmark.sh` starts it): the postmaster and its children (backends,
 * parallel workers, the writers), those that exited included, as the postmaster has reaped them.
 * Resolves undefined when the server cannot be seen from here (another machine, a container,
 * not Linux).
 */
export async function postgresServerCpu(
  knex: Knex,
): Promise<(() => number) | undefined> {
  if (!fs.existsSync('/proc/self/stat')) {
    return undefined;
  }
  const { rows } = await knex.raw('SELECT pg_backend_pid() AS pid');
  const backend = Number(rows[0].pid);
  let postmaster: number;
  try {
    const stat = readStat(backend);
    postmaster = stat.parent;
    if (stat.name !== 'postgres' || readStat(postmaster).name !== 'postgres') {
      return undefined;
    }
  } catch {
    // No such process here: the server runs elsewhere.
    return undefined;
  }
  let ticksPerSecond = 100;
  try {
    ticksPerSecond =
      Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100;
  } catch {
    // USER_HZ is 100 on Linux unless configured otherwise.
  }
  return () => {
    let ticks = 0;
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) {
        continue;
      }
      try {
        const stat = readStat(Number(entry));
        if (Number(entry) === postmaster) {
          ticks += stat.own + stat.children;
        } else if (stat.parent === postmaster) {
          ticks += stat.own;
        }
      } catch {
        // The process ended while the list was read.
      }
    }
    return (ticks * 1000) / ticksPerSecond;
  };
}
