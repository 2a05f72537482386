import { type DataSource } from 'typeorm';

/** What the maintenance queue needs of `replay_run` to put back runs whose job Redis lost. */
export class PgReplayRunRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Ids of runs stored as queued or running, older than `graceSeconds`, oldest first. */
  async unfinished(graceSeconds: number, limit: number): Promise<string[]> {
    const runs: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id::text FROM replay_run
        WHERE state IN ('queued', 'running') AND created_at < now() - make_interval(secs => $1)
        ORDER BY created_at LIMIT $2`,
      [graceSeconds, limit],
    );
    return runs.map((r) => r.id);
  }
}
