import { DateTime } from 'luxon';
import {
  costMicros,
  findModelPrice,
  type TokenCounts,
} from 'backstage-plugin-claude-code-analytics-common';
import type {
  DeploymentFact,
  IncidentFact,
  ModelUsage,
  PullRequestFact,
  UsageActivity,
  UsageDay,
} from '../ingestion/types';
import type { DemoOrg, DemoPerson, DemoTeam } from './generateDemoOrg';
import { Random } from './random';

/**
 * Options of {@link generateDemoHistory}.
 *
 * @public
 */
export type DemoHistoryOptions = {
  seed: number;
  /** Last day of the history, `YYYY-MM-DD`, UTC, inclusive. */
  endDate: string;
  /** Number of days of history, ending with `endDate`. Defaults to 365. */
  days?: number;
};

/**
 * A demo history. Every method generates its records lazily and afresh on each call, so that a
 * large organisation streams through without being held in memory.
 *
 * @public
 */
export type DemoHistory = {
  usage(): Iterable<UsageDay>;
  pullRequests(): Iterable<PullRequestFact>;
  deployments(): Iterable<DeploymentFact>;
  incidents(): Iterable<IncidentFact>;
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Weeks for a heavy user to grow from a quarter to their full usage. */
const RAMP_DAYS = 42;

const MODEL_IDS = {
  firstParty: {
    sonnet: 'claude-sonnet-4-5-20250929',
    opus: 'claude-opus-4-5-20251101',
    haiku: 'claude-haiku-4-5-20251001',
  },
  bedrock: {
    sonnet: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    opus: 'us.anthropic.claude-opus-4-5-20251101-v1:0',
    haiku: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  },
};

type Day = { date: string; startMs: number; weekend: boolean };

type Tier = 'heavy' | 'light' | 'none';

/** A person's use of Claude Code: from `startDay` (an index into the calendar, may be negative) on. */
type Adoption = { tier: Tier; startDay?: number };

type Cadence = 'continuous' | 'daily' | 'weekly' | 'monthly';

type PullRequestDraft = {
  author: string;
  firstCommitMs: number;
  createdMs: number;
  firstReviewMs?: number;
  mergedMs?: number;
  sha: string;
  aiAssisted: boolean;
  additions: number;
  deletions: number;
};

type MergedPullRequest = { number: number; mergedMs: number; sha: string };

type NumberedPullRequest = PullRequestDraft & { number: number };

/** The pull requests of one repository, numbered in the order they were opened. */
type RepositoryPullRequests = {
  slug: string;
  pullRequests: NumberedPullRequest[];
};

/** ISO 8601 in whole seconds, rounded down so that a time inside the period stays inside it. */
function timestamp(ms: number): string {
  const iso = DateTime.fromMillis(Math.floor(ms / 1000) * 1000, {
    zone: 'utc',
  }).toISO({ suppressMilliseconds: true });
  if (!iso) {
    throw new Error(`Not a valid time: ${ms}`);
  }
  return iso;
}

/** Integer parts of `total` in the given shares; the last part takes the rounding remainder. */
function apportion(total: number, shares: number[]): number[] {
  let rest = total;
  return shares.map((share, index) => {
    const part = index === shares.length - 1 ? rest : Math.round(total * share);
    rest -= part;
    return part;
  });
}

function buildCalendar(endDate: string, days: number): Day[] {
  const end = DateTime.fromFormat(endDate, 'yyyy-MM-dd', { zone: 'utc' });
  if (!end.isValid) {
    throw new Error(
      `endDate must be a date in the form YYYY-MM-DD, got ${endDate}`,
    );
  }
  if (!Number.isInteger(days) || days < 1) {
    throw new Error(`days must be a positive integer, got ${days}`);
  }
  const first = end.minus({ days: days - 1 });
  return Array.from({ length: days }, (_, index) => {
    const day = first.plus({ days: index });
    return {
      date: day.toFormat('yyyy-MM-dd'),
      startMs: day.toMillis(),
      weekend: day.weekday >= 6,
    };
  });
}

/**
 * Who uses Claude Code from when. Teams roll out at different times of the period: a few only in
 * its last months, one never (and never the Bedrock team, whose usage the demo must show). From
 * its rollout on, each member is a heavy (30%), light (40%) or non-user (30%), and some teams had
 * one early adopter months before.
 */
function planAdoption(
  org: DemoOrg,
  seed: number,
  days: number,
): Map<string, Adoption> {
  const candidates = Random.derive(seed, 'rollout-plan').shuffle(
    org.teams.filter(team => team.provider !== 'bedrock'),
  );
  const neverCount = Math.max(1, Math.round(org.teams.length * 0.03));
  const lateCount = Math.max(1, Math.round(org.teams.length * 0.15));
  const never = new Set(candidates.slice(0, neverCount).map(team => team.name));
  const late = new Set(
    candidates.slice(neverCount, neverCount + lateCount).map(team => team.name),
  );

  const adoptions = new Map<string, Adoption>();
  for (const team of org.teams) {
    if (never.has(team.name)) {
      team.members.forEach(name => adoptions.set(name, { tier: 'none' }));
      continue;
    }
    const random = Random.derive(seed, `rollout:${team.name}`);
    const rolloutDay = Math.floor(
      days *
        (late.has(team.name)
          ? random.between(0.8, 0.93)
          : random.between(0.03, 0.72)),
    );
    const earlyAdopter =
      team.members.length > 0 && random.chance(0.6)
        ? random.pick(team.members)
        : undefined;
    for (const name of team.members) {
      const personal = Random.derive(seed, `adoption:${name}`);
      const roll = personal.next();
      const delay = personal.int(0, 20);
      if (name === earlyAdopter) {
        adoptions.set(name, {
          tier: 'heavy',
          startDay: rolloutDay - personal.int(30, 90),
        });
      } else if (roll < 0.7) {
        adoptions.set(name, {
          tier: roll < 0.3 ? 'heavy' : 'light',
          startDay: rolloutDay + delay,
        });
      } else {
        adoptions.set(name, { tier: 'none' });
      }
    }
  }
  return adoptions;
}

/**
 * A deterministic history of Claude Code usage and GitHub delivery for a demo organisation, over
 * `days` UTC days ending with `endDate`: staggered team rollouts, per-person usage (one team on
 * Amazon Bedrock), pull requests that are AI-assisted more often for Claude Code users,
 * deployments at per-repository cadences carrying the merged pull requests, and incidents after a
 * few deployments. Nothing falls outside the period; the same seed gives the same records.
 *
 * @public
 */
export function generateDemoHistory(
  org: DemoOrg,
  options: DemoHistoryOptions,
): DemoHistory {
  const { seed } = options;
  const calendar = buildCalendar(options.endDate, options.days ?? 365);
  const periodStartMs = calendar[0].startMs;
  const periodEndMs = calendar[calendar.length - 1].startMs + 24 * HOUR; // exclusive
  const adoptions = planAdoption(org, seed, calendar.length);
  const teamByName = new Map(org.teams.map(team => [team.name, team]));
  const personByName = new Map(org.people.map(person => [person.name, person]));
  const slugByComponent = new Map(
    org.components.map(component => [
      component.name,
      component.slug.toLowerCase(),
    ]),
  );
  const teamSlugs = (team: DemoTeam) =>
    team.components.map(name => slugByComponent.get(name)!);

  const isActive = (adoption: Adoption, dayIndex: number) =>
    adoption.startDay !== undefined && dayIndex >= adoption.startDay;

  function identityOf(person: DemoPerson, random: Random): string {
    if (person.identities.length && random.chance(0.06)) {
      return random.pick(person.identities);
    }
    // Sources rarely spell an email like the catalog does.
    const roll = random.next();
    if (roll < 0.7) return person.email.toLowerCase();
    if (roll < 0.9) return person.email;
    return person.email.toUpperCase();
  }

  function usageOfDay(
    person: DemoPerson,
    team: DemoTeam,
    adoption: Adoption,
    dayIndex: number,
    random: Random,
    acceptRate: number,
  ): UsageDay[] {
    const day = calendar[dayIndex];
    const heavy = adoption.tier === 'heavy';
    const ramp = heavy
      ? Math.min(1, 0.25 + (0.75 * (dayIndex - adoption.startDay!)) / RAMP_DAYS)
      : 1;
    let activeChance = heavy ? 0.5 + 0.4 * ramp : 0.3;
    if (day.weekend) {
      activeChance = heavy ? 0.1 : 0.03;
    }
    if (!random.chance(activeChance)) {
      return [];
    }

    const sessions = heavy
      ? Math.max(1, Math.round(random.int(2, 8) * ramp))
      : random.int(1, 3);
    const decisions = (count: number) => {
      const accepted = Math.min(
        count,
        Math.round(count * acceptRate * random.between(0.97, 1.03)),
      );
      return { accepted, rejected: count - accepted };
    };
    const edit = decisions(sessions * random.int(4, 18));
    const write = decisions(sessions * random.int(0, 3));
    const multiEdit = decisions(sessions * random.int(0, 5));
    const linesAdded =
      edit.accepted * random.int(4, 25) +
      multiEdit.accepted * random.int(8, 40) +
      write.accepted * random.int(20, 120);
    const activity: UsageActivity = {
      sessions,
      activeSeconds: sessions * random.int(600, 3600),
      linesAdded,
      linesRemoved: Math.round(linesAdded * random.between(0.15, 0.5)),
      commits: random.int(0, sessions),
      pullRequests: random.chance(heavy ? 0.5 : 0.15) ? random.int(1, 2) : 0,
      toolDecisions: { Edit: edit, Write: write, MultiEdit: multiEdit },
    };

    // Cache reads dominate Claude Code's tokens; output and fresh input are small in comparison.
    const cacheRead = Math.round(
      sessions * random.logNormal(2_500_000, 0.5, 300_000, 15_000_000),
    );
    const tokens: TokenCounts = {
      input: Math.round(sessions * random.between(3_000, 20_000)),
      output: Math.round(sessions * random.between(8_000, 40_000)),
      cacheRead,
      cacheCreation: Math.round(cacheRead * random.between(0.03, 0.1)),
    };
    const opusShare =
      heavy && random.chance(0.45) ? random.between(0.3, 0.7) : 0;
    const haikuShare = random.chance(0.35) ? random.between(0.02, 0.08) : 0;
    const modelShares = (
      [
        ['sonnet', 1 - opusShare - haikuShare],
        ['opus', opusShare],
        ['haiku', haikuShare],
      ] as const
    ).filter(([, share]) => share > 0);

    // About 40% of the days name a repository, sometimes two; the day is then split, never copied.
    let parts: { repository?: string; share: number }[] = [{ share: 1 }];
    const slugs = teamSlugs(team);
    if (random.chance(0.4)) {
      const first = random.pick(slugs);
      if (slugs.length > 1 && sessions > 1 && random.chance(0.3)) {
        const share = random.between(0.3, 0.7);
        const second = random.pick(slugs.filter(slug => slug !== first));
        parts = [
          { repository: first, share },
          { repository: second, share: 1 - share },
        ];
      } else {
        parts = [{ repository: first, share: 1 }];
      }
    }
    const shares = parts.map(part => part.share);
    const split = (value: number) => apportion(value, shares);
    const activities = splitActivity(activity, split);
    const modelParts = modelShares.map(([model, modelShare]) => {
      const counts = {
        input: split(Math.round(tokens.input * modelShare)),
        output: split(Math.round(tokens.output * modelShare)),
        cacheRead: split(Math.round(tokens.cacheRead * modelShare)),
        cacheCreation: split(Math.round(tokens.cacheCreation * modelShare)),
      };
      return { model: MODEL_IDS[team.provider][model], counts };
    });

    const identity = identityOf(person, random);
    return parts.map((part, index) => ({
      identity,
      date: day.date,
      provider: team.provider,
      ...(part.repository ? { repository: part.repository } : {}),
      activity: activities[index],
      models: modelParts.map(({ model, counts }) =>
        modelUsage(team.provider, model, {
          input: counts.input[index],
          output: counts.output[index],
          cacheRead: counts.cacheRead[index],
          cacheCreation: counts.cacheCreation[index],
        }),
      ),
    }));
  }

  function* usage(): Iterable<UsageDay> {
    for (const person of org.people) {
      const adoption = adoptions.get(person.name);
      if (adoption?.startDay === undefined) continue;
      const team = teamByName.get(person.team)!;
      const random = Random.derive(seed, `usage:${person.name}`);
      const acceptRate = random.between(0.85, 0.95);
      for (
        let day = Math.max(0, adoption.startDay);
        day < calendar.length;
        day++
      ) {
        yield* usageOfDay(person, team, adoption, day, random, acceptRate);
      }
    }
  }

  function pullRequestDrafts(team: DemoTeam): Map<string, PullRequestDraft[]> {
    const slugs = teamSlugs(team);
    const drafts = new Map<string, PullRequestDraft[]>(
      slugs.map(slug => [slug, []]),
    );
    for (const name of team.members) {
      const person = personByName.get(name)!;
      const adoption = adoptions.get(name)!;
      const random = Random.derive(seed, `pull-requests:${name}`);
      const perWeek = random.between(2, 5);
      calendar.forEach((day, dayIndex) => {
        const count = random.poisson(day.weekend ? 0.05 : perWeek / 5);
        for (let i = 0; i < count; i++) {
          const slug = random.pick(slugs);
          const firstCommitMs = day.startMs + random.between(7, 19) * HOUR;
          const createdMs =
            firstCommitMs + random.logNormal(20, 1, 0.5, 120) * HOUR;
          const reviewMs = createdMs + random.logNormal(4, 1, 0.25, 72) * HOUR;
          const mergeMs = reviewMs + random.logNormal(6, 1.1, 0.1, 96) * HOUR;
          const outcome = random.next(); // 86% merged, 7% closed, 7% left open
          const sha = random.hex(40);
          let aiChance = 0.02;
          if (isActive(adoption, dayIndex)) {
            aiChance = adoption.tier === 'heavy' ? 0.6 : 0.25;
          }
          const aiAssisted = random.chance(aiChance);
          const additions = Math.round(random.logNormal(120, 1.1, 1, 5000));
          const deletions = Math.round(additions * random.between(0.05, 0.6));
          if (createdMs >= periodEndMs) continue;
          drafts.get(slug)!.push({
            author: person.githubLogin,
            firstCommitMs,
            createdMs,
            firstReviewMs: reviewMs < periodEndMs ? reviewMs : undefined,
            mergedMs:
              outcome < 0.86 && mergeMs < periodEndMs ? mergeMs : undefined,
            sha,
            aiAssisted,
            additions,
            deletions,
          });
        }
      });
    }
    return drafts;
  }

  function deploymentCadenceSlots(
    cadence: Cadence,
    merged: MergedPullRequest[],
    random: Random,
  ): number[] {
    if (cadence === 'continuous') {
      return merged.map(pr => pr.mergedMs + random.between(10, 90) * MINUTE);
    }
    // One deployment on a random working day of each chunk of days.
    const chunk = { daily: 1, weekly: 7, monthly: 28 }[cadence];
    const slots: number[] = [];
    for (let start = 0; start < calendar.length; start += chunk) {
      const workdays = calendar
        .slice(start, start + chunk)
        .filter(day => !day.weekend);
      if (workdays.length) {
        slots.push(
          random.pick(workdays).startMs + random.between(10, 17) * HOUR,
        );
      }
    }
    return slots;
  }

  /**
   * Deployments of one repository: at each slot of its cadence, a production deployment of the
   * pull requests merged since the last successful one (skipped when there are none). A failed
   * deployment is retried within hours; the pull requests wait for the next success.
   */
  function deploymentsOf(
    slug: string,
    merged: MergedPullRequest[],
  ): { deployments: DeploymentFact[]; incidents: IncidentFact[] } {
    const random = Random.derive(seed, `deployments:${slug}`);
    const roll = random.next();
    let cadence: Cadence = 'monthly';
    if (roll < 0.2) cadence = 'continuous';
    else if (roll < 0.55) cadence = 'daily';
    else if (roll < 0.85) cadence = 'weekly';
    const withStaging = random.chance(0.25);
    const slots = deploymentCadenceSlots(cadence, merged, random)
      .filter(ms => ms < periodEndMs)
      .sort((a, b) => a - b);

    const deployments: (Omit<DeploymentFact, 'id'> & { ms: number })[] = [];
    const incidents: { createdMs: number; resolvedMs?: number }[] = [];
    let nextMerged = 0;
    let pending: MergedPullRequest[] = [];
    let slot = 0;
    let retryMs: number | undefined;
    while (slot < slots.length || retryMs !== undefined) {
      let at: number;
      if (
        retryMs !== undefined &&
        (slot >= slots.length || retryMs <= slots[slot])
      ) {
        at = retryMs;
        retryMs = undefined;
      } else {
        at = slots[slot++];
      }
      while (nextMerged < merged.length && merged[nextMerged].mergedMs < at) {
        pending.push(merged[nextMerged++]);
      }
      if (!pending.length) continue;

      if (withStaging) {
        const stagingMs = at - random.between(15, 60) * MINUTE;
        const staged = pending.filter(pr => pr.mergedMs < stagingMs);
        if (staged.length && stagingMs >= periodStartMs) {
          deployments.push({
            repository: slug,
            environment: 'staging',
            status: random.chance(0.05) ? 'failure' : 'success',
            finishedAt: timestamp(stagingMs),
            sha: staged[staged.length - 1].sha,
            pullRequests: staged.map(pr => pr.number),
            ms: stagingMs,
          });
        }
      }
      const failed = random.chance(0.08);
      deployments.push({
        repository: slug,
        environment: 'production',
        status: failed ? 'failure' : 'success',
        finishedAt: timestamp(at),
        sha: pending[pending.length - 1].sha,
        pullRequests: pending.map(pr => pr.number),
        ms: at,
      });
      if (failed) {
        const retry = at + random.between(20, 180) * MINUTE;
        if (retry < periodEndMs) retryMs = Math.min(retryMs ?? retry, retry);
      } else {
        pending = [];
        if (random.chance(0.05)) {
          const createdMs = at + random.between(10, 480) * MINUTE;
          const resolvedMs =
            createdMs + random.logNormal(90, 1.2, 15, 1440) * MINUTE;
          if (createdMs < periodEndMs) {
            incidents.push({
              createdMs,
              resolvedMs: resolvedMs < periodEndMs ? resolvedMs : undefined,
            });
          }
        }
      }
    }

    return {
      deployments: deployments
        .sort((a, b) => a.ms - b.ms)
        .map(({ ms, ...deployment }, index) => ({
          ...deployment,
          id: String(index + 1),
        })),
      incidents: incidents
        .sort((a, b) => a.createdMs - b.createdMs)
        .map((incident, index) => ({
          repository: slug,
          id: String(index + 1),
          createdAt: timestamp(incident.createdMs),
          ...(incident.resolvedMs !== undefined
            ? { resolvedAt: timestamp(incident.resolvedMs) }
            : {}),
        })),
    };
  }

  /** Repository by repository, one team at a time to bound memory. */
  function* repositories(): Iterable<RepositoryPullRequests> {
    for (const team of org.teams) {
      for (const [slug, drafts] of pullRequestDrafts(team)) {
        // Repositories existed before the period, so their numbers do not start at 1.
        const firstNumber = Random.derive(seed, `repository:${slug}`).int(
          1,
          400,
        );
        yield {
          slug,
          pullRequests: drafts
            .sort((a, b) => a.createdMs - b.createdMs)
            .map((draft, index) => ({ ...draft, number: firstNumber + index })),
        };
      }
    }
  }

  function deliveryOf({ slug, pullRequests }: RepositoryPullRequests) {
    const merged = pullRequests
      .filter(
        (pr): pr is NumberedPullRequest & { mergedMs: number } =>
          pr.mergedMs !== undefined,
      )
      .sort((a, b) => a.mergedMs - b.mergedMs);
    return deploymentsOf(slug, merged);
  }

  function* pullRequestFacts(): Iterable<PullRequestFact> {
    for (const { slug, pullRequests } of repositories()) {
      for (const pr of pullRequests) {
        yield {
          repository: slug,
          number: pr.number,
          author: pr.author,
          createdAt: timestamp(pr.createdMs),
          firstCommitAt: timestamp(pr.firstCommitMs),
          ...(pr.firstReviewMs !== undefined
            ? { firstReviewAt: timestamp(pr.firstReviewMs) }
            : {}),
          ...(pr.mergedMs !== undefined
            ? { mergedAt: timestamp(pr.mergedMs), mergeCommitSha: pr.sha }
            : {}),
          aiAssisted: pr.aiAssisted,
          additions: pr.additions,
          deletions: pr.deletions,
        };
      }
    }
  }

  return {
    usage,
    pullRequests: pullRequestFacts,
    *deployments() {
      for (const repository of repositories()) {
        yield* deliveryOf(repository).deployments;
      }
    },
    *incidents() {
      for (const repository of repositories()) {
        yield* deliveryOf(repository).incidents;
      }
    },
  };
}

function splitActivity(
  activity: UsageActivity,
  split: (value: number) => number[],
): UsageActivity[] {
  const sessions = split(activity.sessions);
  const activeSeconds = split(activity.activeSeconds);
  const linesAdded = split(activity.linesAdded);
  const linesRemoved = split(activity.linesRemoved);
  const commits = split(activity.commits);
  const pullRequests = split(activity.pullRequests);
  const tools = Object.entries(activity.toolDecisions).map(
    ([tool, { accepted, rejected }]) =>
      [tool, split(accepted), split(rejected)] as const,
  );
  return sessions.map((_, index) => ({
    sessions: sessions[index],
    activeSeconds: activeSeconds[index],
    linesAdded: linesAdded[index],
    linesRemoved: linesRemoved[index],
    commits: commits[index],
    pullRequests: pullRequests[index],
    toolDecisions: Object.fromEntries(
      tools.map(([tool, accepted, rejected]) => [
        tool,
        { accepted: accepted[index], rejected: rejected[index] },
      ]),
    ),
  }));
}

/** First-party records carry their cost like the Admin API does; Bedrock ones are priced on ingestion. */
function modelUsage(
  provider: DemoTeam['provider'],
  model: string,
  tokens: TokenCounts,
): ModelUsage {
  const price = provider === 'firstParty' ? findModelPrice(model) : undefined;
  return price
    ? { model, tokens, costMicros: costMicros(tokens, price) }
    : { model, tokens };
}
