import { Knex } from 'knex';

/**
 * The `source_cursors` rows of one source under one key prefix (a repository): read once, written
 * together after the facts they describe are stored, so that a crash re-reads instead of skipping.
 */
export class SourceCursors {
  private readonly pending = new Map<string, string | undefined>();

  private constructor(
    private readonly knex: Knex,
    private readonly source: string,
    private readonly prefix: string,
    private readonly values: Map<string, string>,
  ) {}

  static async load(
    knex: Knex,
    source: string,
    prefix: string,
  ): Promise<SourceCursors> {
    const rows = await knex('source_cursors')
      .select('key', 'value')
      .where({ source })
      .andWhere('key', 'like', `${prefix.replace(/[\\%_]/g, '\\$&')}%`);
    return new SourceCursors(
      knex,
      source,
      prefix,
      new Map(
        rows
          // LIKE ignores case on some databases.
          .filter(row => row.key.startsWith(prefix))
          .map(row => [row.key.slice(prefix.length), row.value]),
      ),
    );
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  /** Remembers a value (`undefined` removes it) for {@link SourceCursors.save}. */
  set(name: string, value: string | undefined) {
    this.pending.set(name, value);
  }

  async save(at: Date): Promise<void> {
    await this.knex.transaction(async tx => {
      for (const [name, value] of this.pending) {
        const key = `${this.prefix}${name}`;
        if (value === undefined) {
          await tx('source_cursors')
            .where({ source: this.source, key })
            .delete();
        } else {
          await tx('source_cursors')
            .insert({ source: this.source, key, value, updated_at: at })
            .onConflict(['source', 'key'])
            .merge(['value', 'updated_at']);
        }
      }
    });
    for (const [name, value] of this.pending) {
      if (value === undefined) {
        this.values.delete(name);
      } else {
        this.values.set(name, value);
      }
    }
    this.pending.clear();
  }
}
