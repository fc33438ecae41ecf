import { Entity } from '@backstage/catalog-model';
import { DateTime } from 'luxon';
import { DemoOrg } from '../../src/demo/generateDemoOrg';

type Adoption = { members: number; sessions: number };
type Delivery = {
  deployments: number;
  mergedPullRequests: number;
  samples: Record<string, number>;
};

/**
 * From a catalog change to correct adoption cards and to no rollup queued, in ms (NaN when not
 * within a minute), and whether the delivery cards were then right.
 */
export type MoveTimes = {
  cardsMs: number;
  allMs: number;
  deliveryCorrect: boolean;
};

const groupRef = (e: Entity) => `group:default/${e.metadata.name}`;
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * A team that moves between two departments in the catalog, and the check that the rollups followed:
 * the team's usage leaves one department and arrives in the other, the team's own is unchanged.
 */
export class TeamMove {
  private readonly team: Entity;
  private readonly departments: [Entity, Entity];
  /** The year before the history's last day, as the cards' query. */
  private readonly range: string;
  private before: [Adoption, Adoption, Adoption] | undefined;
  private deliveryBefore: [Delivery, Delivery, Delivery] | undefined;
  /** Where the team is now: 0 its original department, 1 the other. */
  placement: 0 | 1 = 0;

  constructor(
    entities: Entity[],
    org: DemoOrg,
    /** Reads the cards' API; replaced when the benchmark moves to another backend. */
    public get: (url: string) => Promise<any>,
    endDate: string,
  ) {
    const byName = new Map(
      entities.filter(e => e.kind === 'Group').map(e => [e.metadata.name, e]),
    );
    // A team whose people belong to no other group, so that the departments' numbers change by
    // exactly the team's.
    const memberOf = new Map(org.people.map(p => [p.name, p.memberOf]));
    const team = org.teams.find(
      t =>
        t.type === 'team' &&
        t.members.length > 3 &&
        !org.teams.some(sub => sub.parent === t.name) &&
        t.members.every(m => memberOf.get(m)?.length === 1),
    );
    if (!team) {
      throw new Error('No team without sub-teams and shared members to move');
    }
    this.team = byName.get(team.name)!;
    const from = byName.get(team.parent)!;
    const to = [...byName.values()].find(
      e => e.spec?.type === 'department' && e !== from,
    )!;
    this.departments = [from, to];
    this.range = `from=${DateTime.fromISO(endDate, { zone: 'utc' })
      .minus({ days: 364 })
      .toISODate()}&to=${endDate}`;
  }

  /** One card of the team and of the two departments, over the year. */
  private async cards<T>(card: 'adoption' | 'delivery'): Promise<[T, T, T]> {
    const read = (e: Entity): Promise<T> =>
      this.get(
        `/v1/entities/group/default/${e.metadata.name}/${card}?${this.range}`,
      );
    return Promise.all([
      read(this.team),
      read(this.departments[0]),
      read(this.departments[1]),
    ]);
  }

  private adoption() {
    return this.cards<Adoption>('adoption');
  }

  private delivery() {
    return this.cards<Delivery>('delivery');
  }

  /** Reads the three groups' adoption and delivery over the year before the first move. */
  async start() {
    this.before = await this.adoption();
    this.deliveryBefore = await this.delivery();
    if (this.deliveryBefore[0].mergedPullRequests === 0) {
      throw new Error('The team to move has no delivery: nothing would move');
    }
  }

  /**
   * Moves the team to the other department, as the catalog would show it: the parent and children
   * in the specs, the childOf/parentOf relations, and new etags for the three groups.
   */
  move() {
    const from = this.departments[this.placement];
    const to = this.departments[1 - this.placement];
    const team = this.team;
    team.spec = { ...team.spec, parent: to.metadata.name };
    from.spec = {
      ...from.spec,
      children: (from.spec!.children as string[]).filter(
        c => c !== team.metadata.name,
      ),
    };
    to.spec = {
      ...to.spec,
      children: [...(to.spec!.children as string[]), team.metadata.name],
    };
    team.relations = [
      ...(team.relations ?? []).filter(
        r => !(r.type === 'childOf' && r.targetRef === groupRef(from)),
      ),
      { type: 'childOf', targetRef: groupRef(to) },
    ];
    from.relations = (from.relations ?? []).filter(
      r => !(r.type === 'parentOf' && r.targetRef === groupRef(team)),
    );
    to.relations = [
      ...(to.relations ?? []),
      { type: 'parentOf', targetRef: groupRef(team) },
    ];
    const etag = `moved-${Date.now()}-${Math.random()}`;
    for (const e of [team, from, to]) {
      e.metadata.etag = etag;
    }
    this.placement = this.placement === 0 ? 1 : 0;
  }

  /** Whether the three groups' adoption is what the team's current placement should give. */
  async correct(): Promise<boolean> {
    const [team, original, other] = this.before!;
    const [teamNow, originalNow, otherNow] = await this.adoption();
    const moved = this.placement;
    return (
      teamNow.members === team.members &&
      teamNow.sessions === team.sessions &&
      originalNow.members === original.members - moved * team.members &&
      originalNow.sessions === original.sessions - moved * team.sessions &&
      otherNow.members === other.members + moved * team.members &&
      otherNow.sessions === other.sessions + moved * team.sessions
    );
  }

  /**
   * Whether the three groups' delivery is what the team's placement should give: deployments,
   * merged pull requests and the samples of every metric move with the team (its components are
   * its own).
   */
  async deliveryCorrect(): Promise<boolean> {
    const [team, original, other] = this.deliveryBefore!;
    const [teamNow, originalNow, otherNow] = await this.delivery();
    const moved = this.placement;
    const counts = (d: Delivery) => [
      d.deployments,
      d.mergedPullRequests,
      ...Object.keys(team.samples)
        .sort()
        .map(key => d.samples[key]),
    ];
    const shifted = (d: Delivery, sign: number) =>
      counts(d).map((n, i) => n + sign * moved * counts(team)[i]);
    return (
      JSON.stringify(counts(teamNow)) === JSON.stringify(counts(team)) &&
      JSON.stringify(counts(originalNow)) ===
        JSON.stringify(shifted(original, -1)) &&
      JSON.stringify(counts(otherNow)) === JSON.stringify(shifted(other, 1))
    );
  }

  /** Whether no rollup of any kind is queued (`GET /v1/status`). */
  async nothingPending(): Promise<boolean> {
    const { pendingRollups } = await this.get('/v1/status');
    return Object.values(pendingRollups as Record<string, unknown>).every(
      n => Number(n) === 0,
    );
  }

  /** Waits until no rollup is queued (the load before the moves), at most `timeoutMs`. */
  async settle(timeoutMs = 300_000): Promise<boolean> {
    const start = Date.now();
    while (Date.now() - start < timeoutMs) {
      if (await this.nothingPending()) {
        return true;
      }
      await sleep(250);
    }
    return false;
  }

  /**
   * Polls the cards' API every 50 ms until it is correct, then the status until no rollup is queued
   * any more (the delivery rollups of the departments included): the ms each took from `start`,
   * NaN when not within a minute.
   */
  async untilCorrect(start = Date.now()): Promise<MoveTimes> {
    let cardsMs = NaN;
    while (Date.now() - start < 60_000) {
      if (Number.isNaN(cardsMs) && (await this.correct())) {
        cardsMs = Date.now() - start;
      }
      // Queues are read only once the cards are correct: by then the refresh has queued all.
      if (!Number.isNaN(cardsMs) && (await this.nothingPending())) {
        const allMs = Date.now() - start;
        return {
          cardsMs,
          allMs,
          deliveryCorrect: await this.deliveryCorrect(),
        };
      }
      await sleep(50);
    }
    return { cardsMs, allMs: NaN, deliveryCorrect: false };
  }

  /**
   * Moves the team `count` times, at random moments relative to the backend's own schedule, and
   * measures each time from the catalog change until the cards' API answers correctly and until
   * no rollup is queued (polled every 50 ms; NaN when not within a minute).
   */
  async measureScheduled(count: number): Promise<MoveTimes[]> {
    const times: MoveTimes[] = [];
    for (let i = 0; i < count; i++) {
      await sleep(1000 + Math.random() * 2000);
      this.move();
      times.push(await this.untilCorrect());
    }
    return times;
  }
}
