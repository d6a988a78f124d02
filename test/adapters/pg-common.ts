// Shared setup of the PostgreSQL adapter tests: the machine's server, trust auth, db `test`.
import pg from 'pg';

export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' } as const;

/** A pool on the real server (or `port`, e.g. a proxy) tagged with an application_name. */
export function makePool(applicationName: string, options: pg.PoolConfig = {}): pg.Pool {
  return new pg.Pool({ ...PG, application_name: applicationName, ...options });
}

/** A separate admin client, for setup, inspection and pg_terminate_backend. */
export async function adminClient(): Promise<pg.Client> {
  const client = new pg.Client({ ...PG, application_name: 'breakwater-test-admin' });
  await client.connect();
  return client;
}

/** Backends of an application_name, by state (`idle`, `active`, `idle in transaction`). */
export async function backends(
  admin: pg.Client,
  applicationName: string,
): Promise<Record<string, number>> {
  const { rows } = await admin.query<{ state: string; n: number }>(
    'SELECT state, count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 GROUP BY state',
    [applicationName],
  );
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}
